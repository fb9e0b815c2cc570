//! A model that is dropped gives back its memory. An element removed from a page drops its
//! models (a notebook removes one on every re-run of a cell), so what a dropped model keeps is
//! kept again for every re-run. Burn's autodiff keeps its graphs in one global table that only a
//! backward pass sweeps, and a model that is only ever evaluated never runs one.
//!
//! The bytes in use are counted by this test binary's own allocator (one test, so nothing else
//! allocates meanwhile).
use dropout_topk::backend::Backend;
use dropout_topk::corpus;
use dropout_topk::session::Session;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes still in use after `make` has run `times` times (after three runs to warm caches up).
fn kept_after(times: usize, make: impl Fn()) -> isize {
    for _ in 0..3 {
        make();
    }
    let before = LIVE.load(Ordering::Relaxed);
    for _ in 0..times {
        make();
    }
    LIVE.load(Ordering::Relaxed) - before
}

#[test]
fn dropped_models_give_back_their_memory() {
    let weights = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/www/model.q8")).unwrap();
    // Bytes a model may leave behind (caches that settle, counters): far below the ~50 KB that a
    // model's graph entries and weights would keep.
    const SLACK: isize = 1024;
    const TIMES: usize = 20;
    let shipped = kept_after(TIMES, || {
        let mut session = Session::english_with_weights(&weights, Backend::Flex, 42).unwrap();
        session.logits("Mara walks to the ").unwrap();
    });
    assert!(
        shipped < SLACK * TIMES as isize,
        "{TIMES} shipped models, evaluated and dropped, kept {shipped} bytes"
    );
    let trained = kept_after(TIMES, || {
        let mut session = Session::from_text(corpus::ENGLISH, Backend::Flex, 42).unwrap();
        for _ in 0..2 {
            session.train_step(0.1, true).unwrap();
        }
    });
    assert!(
        trained < SLACK * TIMES as isize,
        "{TIMES} fresh models, trained two steps and dropped, kept {trained} bytes"
    );
}
