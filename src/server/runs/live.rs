//! A run's live status: the [`LiveRun`] the page polls, published after every change.
//! Shared by every run made of steps (provisioning, certificate rotation, device removal).

use crate::domain::runs::{LiveRun, RunState, StepStatus};

/// The run as the page sees it, published on every change.
pub(crate) struct Live<'a> {
    pub(crate) run: LiveRun,
    report: &'a (dyn Fn(&LiveRun) + Send + Sync),
}

impl<'a> Live<'a> {
    /// Publishes the planned run (every step pending) before the first call.
    pub(crate) fn start(run: LiveRun, report: &'a (dyn Fn(&LiveRun) + Send + Sync)) -> Live<'a> {
        report(&run);
        Live { run, report }
    }

    pub(crate) fn step(&mut self, i: usize, status: StepStatus) {
        self.run.steps[i].status = status;
        (self.report)(&self.run);
    }

    pub(crate) fn state(&mut self, state: RunState) {
        self.run.state = state;
        (self.report)(&self.run);
    }
}
