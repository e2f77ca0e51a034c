use super::*;

fn at(line: u32, column: u32) -> Option<Position> {
    Some(Position { line, column })
}

const DOC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["iot:Connect", "iot:Publish"],
      "Resource": "arn:aws:iot:*:*:client/${iot:ClientId}"
    },
    {
      "Sid": "Zoé\"s",
      "Effect": "Deny",
      "Action": "iot:Publish",
      "Resource": ["arn:aws:iot:*:*:topic/é/ü", "arn:aws:iot:*:*:topic/x"],
      "Condition": {
        "StringEquals": {
          "iot:Connection.Thing.Attributes[location]": ["f1", "f2"]
        }
      }
    }
  ]
}"#;

#[test]
fn members_and_elements() {
    assert_eq!(locate(DOC, ""), at(1, 1));
    assert_eq!(locate(DOC, "Version"), at(2, 3));
    assert_eq!(locate(DOC, "Statement"), at(3, 3));
    assert_eq!(locate(DOC, "Statement[0]"), at(4, 5));
    assert_eq!(locate(DOC, "Statement[0].Action"), at(6, 7));
    assert_eq!(locate(DOC, "Statement[0].Action[0]"), at(6, 18));
    assert_eq!(locate(DOC, "Statement[0].Action[1]"), at(6, 33));
    assert_eq!(locate(DOC, "Statement[1].Effect"), at(11, 7));
}

#[test]
fn single_values_answer_to_index_zero() {
    // `Resource` is a string: `[0]` names the string itself, `[1]` nothing.
    assert_eq!(locate(DOC, "Statement[0].Resource[0]"), at(7, 19));
    assert_eq!(locate(DOC, "Statement[0].Resource[1]"), None);
    // A single-object Statement answers to both `Statement` and `Statement[0]`.
    let one = "{\"Statement\": {\"Effect\": \"Allow\"}}";
    assert_eq!(locate(one, "Statement.Effect"), at(1, 16));
    assert_eq!(locate(one, "Statement[0].Effect"), at(1, 16));
    assert_eq!(locate(one, "Statement[0]"), at(1, 15));
}

#[test]
fn columns_count_characters_after_escapes_and_multibyte_text() {
    // Line 13: `"Resource": ["arn:aws:iot:*:*:topic/é/ü", "arn...` — the second element's
    // column counts é and ü as one character each.
    assert_eq!(locate(DOC, "Statement[1].Resource[0]"), at(13, 20));
    assert_eq!(locate(DOC, "Statement[1].Resource[1]"), at(13, 49));
    // The escaped quote inside the Sid does not end the string early.
    assert_eq!(locate(DOC, "Statement[1].Sid"), at(10, 7));
    let text = "{\"k\\u00e9y\": 1, \"\\ud83d\\ude00\": [true, \"😀\", 3]}";
    assert_eq!(locate(text, "kéy"), at(1, 2));
    assert_eq!(locate(text, "😀[2]"), at(1, 45));
}

#[test]
fn condition_keys_with_dots_and_brackets() {
    assert_eq!(
        locate(DOC, "Statement[1].Condition.StringEquals"),
        at(15, 9)
    );
    assert_eq!(
        locate(
            DOC,
            "Statement[1].Condition.StringEquals.iot:Connection.Thing.Attributes[location]"
        ),
        at(16, 11)
    );
    assert_eq!(
        locate(
            DOC,
            "Statement[1].Condition.StringEquals.iot:Connection.Thing.Attributes[location][1]"
        ),
        at(16, 63)
    );
    // A key that is a prefix of a longer one does not capture the path.
    let text = r#"{"a": {"x": 1}, "a.b": 2}"#;
    assert_eq!(locate(text, "a.b"), at(1, 17));
    assert_eq!(locate(text, "a.x"), at(1, 8));
}

#[test]
fn unknown_paths() {
    assert_eq!(locate(DOC, "Nope"), None);
    assert_eq!(locate(DOC, "Statement[2]"), None);
    assert_eq!(locate(DOC, "Statement[0].Effect.More"), None);
    assert_eq!(locate(DOC, "Statement[x]"), None);
    assert_eq!(locate(DOC, "Statement[0"), None);
    assert_eq!(locate("", ""), None);
    assert_eq!(locate("   ", "Statement"), None);
    assert_eq!(locate("  \n  {}", ""), at(2, 3));
}

#[test]
fn crlf_line_endings() {
    let text = "{\r\n  \"Version\": \"2012-10-17\",\r\n  \"Statement\": []\r\n}";
    assert_eq!(locate(text, "Statement"), at(3, 3));
}

#[test]
fn truncated_prefixes_never_panic_and_keep_what_they_can() {
    let mut boundaries: Vec<usize> = DOC.char_indices().map(|(i, _)| i).collect();
    boundaries.push(DOC.len());
    let paths = [
        "",
        "Version",
        "Statement[0].Action[1]",
        "Statement[1].Resource[1]",
        "Statement[1].Condition.StringEquals.iot:Connection.Thing.Attributes[location][1]",
        "Statement[9]",
    ];
    let full: Vec<_> = paths.iter().map(|p| locate(DOC, p)).collect();
    for end in boundaries {
        let prefix = &DOC[..end];
        for (p, whole) in paths.iter().zip(&full) {
            let got = locate(prefix, p);
            // A truncated text can only lose places, never move them.
            if let Some(pos) = got {
                assert_eq!(Some(pos), *whole, "path {p:?} in prefix of {end} bytes");
            }
        }
    }
    // Once the document is complete up to the second Action element, it is found.
    let cut = DOC.find("\"iot:Publish\"]").unwrap() + 1;
    assert_eq!(locate(&DOC[..cut], "Statement[0].Action[1]"), at(6, 33));
}

#[test]
fn garbage_and_deep_nesting_never_panic() {
    let deep = "[".repeat(10_000);
    assert!(locate(&deep, "[0]").is_some());
    let deep_obj = "{\"a\":".repeat(5_000);
    assert_eq!(locate(&deep_obj, "a"), at(1, 2));
    for text in [
        "{\"a\" 1, \"b\": 2}",
        "{\"a\": , \"b\": 2}",
        "{,,,\"b\": 2}",
        "[,,1]",
        "}}}]]]",
        "{\"a\": \"\\u12",
        "{\"a\": \"\\ud800\\u",
        "{\"é",
        "\"\\",
        "{\"a\": [1, 2, {\"b\": [",
        "nonsense é ü {[}]",
        "[}",
        "{]",
        "{:}",
        "[:]",
        "{\"a\": ]}",
        "[{\"a\": [}]",
    ] {
        for p in ["", "a", "b", "a[0]", "[0]", "a[2].b[0]"] {
            let _ = locate(text, p);
        }
    }
    assert_eq!(locate("{\"a\" 1, \"b\": 2}", "b"), at(1, 9));
    assert_eq!(locate("{\"a\": , \"b\": 2}", "b"), at(1, 9));
}
