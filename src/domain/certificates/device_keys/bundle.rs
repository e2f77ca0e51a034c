//! The zip the wizard hands out, made in the browser.

use super::KeyError;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The device certificate, PEM.
pub const CERTIFICATE_FILE: &str = "certificate.pem.crt";
/// The device's private key, PEM (PKCS #8); only when the key was made in the browser.
pub const PRIVATE_KEY_FILE: &str = "private.pem.key";
/// The device's public key, PEM.
pub const PUBLIC_KEY_FILE: &str = "public.pem.key";
/// What [`bundle_readme`] writes.
pub const README_FILE: &str = "README.txt";

/// Where devices get the CA that signs AWS IoT's ATS endpoints.
const AMAZON_ROOT_CA_URL: &str = "https://www.amazontrust.com/repository/AmazonRootCA1.pem";

/// Zips `(name, content)` pairs, in order, deflated, each entry readable by its owner only
/// (Unix mode 0600) since a bundle may hold a private key. Names are relative paths with `/`
/// between folders. The entries carry the zip format's earliest date (1980-01-01): this code
/// has no clock, and the date means nothing to a device.
pub fn bundle_zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, KeyError> {
    let mut seen = BTreeSet::new();
    for (name, _) in files {
        check_file_name(name)?;
        if !seen.insert(name.as_str()) {
            return Err(KeyError::DuplicateFileName(name.clone()));
        }
    }
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o600);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in files {
        zip.start_file(name.as_str(), options).map_err(zip_error)?;
        zip.write_all(content).map_err(zip_error)?;
    }
    let cursor = zip.finish().map_err(zip_error)?;
    Ok(cursor.into_inner())
}

fn zip_error(e: impl std::fmt::Display) -> KeyError {
    KeyError::Zip(e.to_string())
}

fn check_file_name(name: &str) -> Result<(), KeyError> {
    let bad = name.is_empty()
        || name.starts_with('/')
        || name.ends_with('/')
        || name.contains('\\')
        || name.chars().any(char::is_control)
        || name
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        Err(KeyError::BadFileName(name.to_string()))
    } else {
        Ok(())
    }
}

/// The README put in a device's bundle: the thing, the endpoint, the topics its policies
/// allow, which file is which, and that the private key is secret. Plain text, LF endings.
pub fn bundle_readme(thing: &str, data_endpoint: Option<&str>, topics: &[String]) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "AWS IoT device bundle for thing \"{thing}\"");
    let _ = writeln!(text, "Made by IoT Warden.");
    text.push('\n');
    let _ = writeln!(text, "Connect with MQTT over TLS (port 8883) to:");
    match data_endpoint {
        Some(endpoint) if !endpoint.trim().is_empty() => {
            let _ = writeln!(text, "  {}", endpoint.trim());
        }
        _ => {
            let _ = writeln!(
                text,
                "  (not known when this bundle was made; `aws iot describe-endpoint --endpoint-type iot:Data-ATS` prints it)"
            );
        }
    }
    let _ = writeln!(text, "using \"{thing}\" as the MQTT client ID.");
    text.push('\n');
    if topics.is_empty() {
        let _ = writeln!(
            text,
            "The attached policies name no MQTT topics for this device."
        );
    } else {
        let _ = writeln!(text, "Topics the attached policies allow:");
        for topic in topics {
            let _ = writeln!(text, "  {topic}");
        }
    }
    text.push('\n');
    let _ = writeln!(text, "Files:");
    let _ = writeln!(text, "  {CERTIFICATE_FILE}  the device certificate (PEM)");
    let _ = writeln!(
        text,
        "  {PRIVATE_KEY_FILE}      the device's private key (PEM, PKCS #8), present only if the key was made in the browser"
    );
    let _ = writeln!(
        text,
        "  {PUBLIC_KEY_FILE}       the device's public key (PEM)"
    );
    let _ = writeln!(text, "  {README_FILE}           this file");
    let _ = writeln!(
        text,
        "The device also needs Amazon Root CA 1 to trust the endpoint: {AMAZON_ROOT_CA_URL}"
    );
    text.push('\n');
    let _ = writeln!(
        text,
        "Keep {PRIVATE_KEY_FILE} secret: anyone who has it can act as this device. Copy it only to the device, do not email or commit it, and delete other copies once it is installed. AWS does not keep a copy and cannot recover it."
    );
    text
}

/// The whole bundle for one device: the certificate, the private key when there is one, the
/// public key when known, and the README, under the names above.
pub fn device_bundle(
    thing: &str,
    certificate_pem: &str,
    private_key_pem: Option<&str>,
    public_key_pem: Option<&str>,
    data_endpoint: Option<&str>,
    topics: &[String],
) -> Result<Vec<u8>, KeyError> {
    let mut files = vec![(
        CERTIFICATE_FILE.to_string(),
        certificate_pem.as_bytes().to_vec(),
    )];
    if let Some(key) = private_key_pem {
        files.push((PRIVATE_KEY_FILE.to_string(), key.as_bytes().to_vec()));
    }
    if let Some(key) = public_key_pem {
        files.push((PUBLIC_KEY_FILE.to_string(), key.as_bytes().to_vec()));
    }
    files.push((
        README_FILE.to_string(),
        bundle_readme(thing, data_endpoint, topics).into_bytes(),
    ));
    bundle_zip(&files)
}
