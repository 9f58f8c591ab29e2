use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A terminal whose every write fails, as stderr does when it is closed or full.
#[derive(Debug, Clone, Default)]
struct BrokenTerm(Arc<AtomicUsize>);

impl BrokenTerm {
    fn fail(&self) -> std::io::Result<()> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err(std::io::ErrorKind::BrokenPipe.into())
    }
}

impl indicatif::TermLike for BrokenTerm {
    fn width(&self) -> u16 {
        80
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        self.fail()
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        self.fail()
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        self.fail()
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        self.fail()
    }
    fn write_line(&self, _: &str) -> std::io::Result<()> {
        self.fail()
    }
    fn write_str(&self, _: &str) -> std::io::Result<()> {
        self.fail()
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.fail()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.fail()
    }
}

#[test]
fn a_progress_bar_on_a_broken_terminal_does_not_panic() {
    let term = BrokenTerm::default();
    let bar = styled_bar(
        1000,
        indicatif::ProgressDrawTarget::term_like(Box::new(term.clone())),
    );
    // The calls PriceReader makes: positions, then finish_and_clear; a clone is used by the
    // reading threads.
    bar.set_position(10);
    bar.clone().set_position(500);
    bar.finish_and_clear();
    drop(bar);
    // It did try to draw, and every write failed.
    assert!(term.0.load(Ordering::SeqCst) > 0);
}
