//! The page's async primitives, for the browser's one thread: an unbounded
//! channel, a gate that opens once, a timer to await, and a race of two
//! futures. The `futures` crate's are built for threads (atomics, `Arc`,
//! locks) and cost the page's wasm more code.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::{Poll, Waker};

use gloo_timers::callback::Timeout;

struct Queue<T> {
    items: VecDeque<T>,
    waker: Option<Waker>,
    senders: usize,
    receiving: bool,
}

/// The sending side; clones send into the same channel.
pub struct Sender<T>(Rc<RefCell<Queue<T>>>);

/// The receiving side: the items in order, then `None` once every sender
/// is gone.
pub struct Receiver<T>(Rc<RefCell<Queue<T>>>);

pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let queue = Rc::new(RefCell::new(Queue {
        items: VecDeque::new(),
        waker: None,
        senders: 1,
        receiving: true,
    }));
    (Sender(queue.clone()), Receiver(queue))
}

impl<T> Sender<T> {
    /// Queues `item`, or gives it back when the receiver is gone.
    pub fn send(&self, item: T) -> Result<(), T> {
        let waker = {
            let mut queue = self.0.borrow_mut();
            if !queue.receiving {
                return Err(item);
            }
            queue.items.push_back(item);
            queue.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.0.borrow_mut().senders += 1;
        Sender(self.0.clone())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let waker = {
            let mut queue = self.0.borrow_mut();
            queue.senders -= 1;
            if queue.senders > 0 {
                return;
            }
            queue.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    pub async fn next(&mut self) -> Option<T> {
        poll_fn(|cx| {
            let mut queue = self.0.borrow_mut();
            if let Some(item) = queue.items.pop_front() {
                return Poll::Ready(Some(item));
            }
            if queue.senders == 0 {
                return Poll::Ready(None);
            }
            queue.waker = Some(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let items = {
            let mut queue = self.0.borrow_mut();
            queue.receiving = false;
            std::mem::take(&mut queue.items)
        };
        // Dropped outside the borrow: an item's drop may send again.
        drop(items);
    }
}

/// Opens once; every wait, before or after, then ends.
#[derive(Clone, Default)]
pub struct Gate(Rc<RefCell<(bool, Vec<Waker>)>>);

impl Gate {
    pub fn open(&self) {
        let wakers = {
            let mut gate = self.0.borrow_mut();
            gate.0 = true;
            std::mem::take(&mut gate.1)
        };
        for waker in wakers {
            waker.wake();
        }
    }

    pub async fn wait(&self) {
        poll_fn(|cx| {
            let mut gate = self.0.borrow_mut();
            if gate.0 {
                return Poll::Ready(());
            }
            if !gate.1.iter().any(|w| w.will_wake(cx.waker())) {
                gate.1.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }
}

/// Ends after `ms`.
pub async fn sleep(ms: u32) {
    let gate = Gate::default();
    let opener = gate.clone();
    let _timer = Timeout::new(ms, move || opener.open());
    gate.wait().await;
}

/// `work`'s output, or `None` once `ms` have passed without one.
pub async fn within<T>(ms: u32, work: impl Future<Output = T>) -> Option<T> {
    let mut work = pin!(work);
    let mut timer = pin!(sleep(ms));
    poll_fn(|cx| {
        if let Poll::Ready(value) = work.as_mut().poll(cx) {
            return Poll::Ready(Some(value));
        }
        timer.as_mut().poll(cx).map(|()| None)
    })
    .await
}

/// Runs `task` on the browser's event loop. One boxed kind of task for the
/// whole page: `spawn_local` is compiled once, not once per future.
pub fn spawn(task: impl Future<Output = ()> + 'static) {
    spawn_boxed(Box::pin(task));
}

fn spawn_boxed(task: std::pin::Pin<Box<dyn Future<Output = ()>>>) {
    wasm_bindgen_futures::spawn_local(task);
}
