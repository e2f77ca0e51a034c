//! The policy pages: the list, one policy with its versions, the editor, the simulator.

pub mod policies_page;
pub mod policy_editor_page;
pub mod policy_page;
pub mod simulator_page;
