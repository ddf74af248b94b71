//! More pure tests of the counts pane: starting a count (also with keys typed before the
//! locations arrive), the review (marks, recount, filters asked of the service), the post
//! question, the read-only count after posting, and cancel.

use crossterm::event::KeyCode;

use super::tests::*;
use super::*;
use crate::Actor;
use crate::config::UiConfig;
use crate::domain::Role;
use crate::service::counts::{CountDocument, CountReview, ReviewFilter, ReviewLine, ReviewTotals};
use crate::tui::app::App;
use crate::tui::panes::count_review::ReviewPick;
use crate::tui::theme::Theme;

fn review_of(a: &mut App) -> u64 {
    let reqs = press(a, KeyCode::Enter);
    let (id, c) = find(&reqs, |c| matches!(c, Call::Review { .. })).expect("a review");
    let Call::Review { filter, .. } = c else {
        unreachable!()
    };
    assert_eq!(filter, ReviewFilter::default());
    id
}

fn review_reply(a: &mut App, id: u64, filter: ReviewFilter, lines: Vec<ReviewLine>) {
    let totals = ReviewTotals {
        lines: lines.len(),
        not_counted: lines.iter().filter(|l| l.counted.is_none()).count(),
        ..Default::default()
    };
    reply(
        a,
        id,
        Reply::Review {
            number: "CNT-1".into(),
            filter,
            result: Ok(Box::new(CountReview {
                count: count("CNT-1", CountStatus::Open, 0),
                lines,
                totals,
            })),
        },
    );
}

#[test]
fn review_marks_lines_for_recount_and_filters_through_the_service() {
    let mut a = on_counts(Role::Supervisor);
    let id = review_of(&mut a);
    review_reply(
        &mut a,
        id,
        ReviewFilter::default(),
        vec![
            line("P1", "A", 10, Some(4)),
            line("P2", "A1", 3, None),
            line("P3", "A", 5, Some(5)),
        ],
    );
    let r = a.counts.review.as_ref().unwrap();
    assert!(r.open() && r.loaded());
    assert_eq!(r.not_counted, Some(1));
    // Space marks and moves on; x asks for a recount of the marked lines.
    press(&mut a, KeyCode::Char(' '));
    press(&mut a, KeyCode::Char(' '));
    press(&mut a, KeyCode::Up);
    press(&mut a, KeyCode::Char(' '));
    let reqs = press(&mut a, KeyCode::Char('x'));
    let (_, c) = find(&reqs, |c| matches!(c, Call::Recount { .. })).expect("a recount");
    let Call::Recount { lines, .. } = c else {
        unreachable!()
    };
    assert_eq!(
        lines,
        [("A".to_string(), "P1".to_string())],
        "P2 unmarked again"
    );
    // v: only variances, asked of the service (its rule, not a copy of it).
    let reqs = press(&mut a, KeyCode::Char('v'));
    let (_, c) = find(&reqs, |c| matches!(c, Call::Review { .. })).expect("reloaded");
    let Call::Review { filter, .. } = c else {
        unreachable!()
    };
    assert!(filter.only_variances);
    // l: a location of the count.
    press(&mut a, KeyCode::Char('l'));
    let r = a.counts.review.as_ref().unwrap();
    assert!(matches!(r.picker, Some((ReviewPick::Location, _))));
    typed(&mut a, "A1");
    let reqs = press(&mut a, KeyCode::Enter);
    let (_, c) = find(&reqs, |c| matches!(c, Call::Review { .. })).expect("reloaded");
    let Call::Review { filter, .. } = c else {
        unreachable!()
    };
    assert_eq!(filter.location.as_deref(), Some("A1"));
    assert!(filter.only_variances, "filters add up");
}

#[test]
fn posting_asks_what_never_scanned_items_mean_and_cancel_asks_too() {
    let mut a = on_counts(Role::Supervisor);
    let id = review_of(&mut a);
    review_reply(
        &mut a,
        id,
        ReviewFilter::default(),
        vec![line("P1", "A", 10, Some(4)), line("P2", "A1", 3, None)],
    );
    assert!(calls(&ctrl(&mut a, 's')).is_empty(), "a question first");
    let r = a.counts.review.as_ref().unwrap();
    let Some((ReviewPick::Post, p)) = &r.picker else {
        panic!("the post question")
    };
    let labels: Vec<&str> = p.visible().map(|i| i.label.as_str()).collect();
    assert!(labels[0].starts_with("1 never scanned: keep"), "{labels:?}");
    assert!(labels[1].contains("as zero"), "{labels:?}");
    press(&mut a, KeyCode::Down);
    let reqs = press(&mut a, KeyCode::Enter);
    let (pid, c) = find(&reqs, |c| matches!(c, Call::Post { .. })).expect("posted");
    let Call::Post {
        uncounted_as_zero, ..
    } = c
    else {
        unreachable!()
    };
    assert!(uncounted_as_zero);
    assert_eq!(
        a.counts.review.as_ref().unwrap().working,
        Some(Msg::CountPosting)
    );
    let mut done = count("CNT-1", CountStatus::Posted, 0);
    done.documents.push(CountDocument {
        seq: 1,
        location: "A".into(),
        txn_id: "t".into(),
        number: Some("ADJ-2026-000009".into()),
        status: "posted".into(),
        reason: None,
        lines: 2,
    });
    let reqs = reply(
        &mut a,
        pid,
        Reply::Acted {
            number: "CNT-1".into(),
            what: Acted::Posted,
            result: Ok(Some(PostAnswer {
                count: done,
                numbers: vec!["ADJ-2026-000009".into()],
                rejected: Vec::new(),
            })),
        },
    );
    assert!(find(&reqs, |c| matches!(c, Call::Review { .. })).is_some());
    assert!(a.dashboard_stale, "stock changed");
    let toast = a
        .shell
        .toast
        .as_ref()
        .map(|t| t.text.clone())
        .unwrap_or_default();
    assert!(toast.contains("ADJ-2026-000009"), "{toast}");
    let r = a.counts.review.as_ref().unwrap();
    assert!(!r.open());
    assert_eq!(r.hint(), Msg::HintCountClosed);
    // Read-only now: no marks, no post, no cancel.
    assert!(calls(&press(&mut a, KeyCode::Char(' '))).is_empty());
    assert!(calls(&ctrl(&mut a, 's')).is_empty());
    press(&mut a, KeyCode::Delete);
    assert!(a.question().is_none());

    // Cancel, from the list: asked, then done.
    press(&mut a, KeyCode::Esc);
    assert!(a.counts.review.is_none());
    let reqs = press(&mut a, KeyCode::Delete);
    assert!(a.question().is_some_and(|q| q.contains("CNT-1")));
    assert!(find(&reqs, |c| matches!(c, Call::Cancel { .. })).is_none());
    let reqs = typed(&mut a, "y");
    assert!(find(&reqs, |c| matches!(c, Call::Cancel { .. })).is_some());
}

#[test]
fn a_supervisor_starts_a_count_with_children_and_a_category() {
    let mut a = on_counts(Role::Supervisor);
    press(&mut a, KeyCode::Char('n'));
    assert_eq!(
        a.counts.start.as_ref().map(|s| s.step),
        Some(StartStep::Location)
    );
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        a.counts.start.as_ref().map(|s| s.step),
        Some(StartStep::Children),
        "A has a location inside it"
    );
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        a.counts.start.as_ref().map(|s| s.step),
        Some(StartStep::Category)
    );
    typed(&mut a, "hard");
    let reqs = press(&mut a, KeyCode::Enter);
    let (id, c) = find(&reqs, |c| matches!(c, Call::Start(_))).expect("started");
    let Call::Start(req) = c else { unreachable!() };
    assert_eq!(
        (
            req.location.as_str(),
            req.with_children,
            req.category.as_deref()
        ),
        ("A", true, Some("Hardware"))
    );
    assert!(a.counts.starting && a.counts.start.is_none());
    reply(
        &mut a,
        id,
        Reply::Started(Ok(count("CNT-2", CountStatus::Open, 5))),
    );
    assert_eq!(
        a.counts.current(&a.shell).map(|c| c.number),
        Some("CNT-2".into()),
        "the new count is selected"
    );
    // B has nothing inside it: no question about children.
    press(&mut a, KeyCode::Char('n'));
    typed(&mut a, "B");
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        a.counts.start.as_ref().map(|s| s.step),
        Some(StartStep::Category)
    );
    press(&mut a, KeyCode::Esc);
    assert!(a.counts.start.is_none());
}

#[test]
fn keys_typed_before_the_locations_arrive_are_not_lost() {
    let mut a = App::new(&UiConfig::default(), Theme::new(false, None), t0());
    a.shell.actor = Some(Actor {
        id: "u1".into(),
        email: "s@b.test".into(),
        name: "Sari".into(),
        role: Role::Supervisor,
    });
    let reqs = press(&mut a, KeyCode::Char('5'));
    let (lk, _) = find(&reqs, |c| matches!(c, Call::Lookups)).expect("lookups asked");
    press(&mut a, KeyCode::Char('n'));
    assert!(a.counts.start.as_ref().is_some_and(|s| s.loading));
    typed(&mut a, "B");
    press(&mut a, KeyCode::Enter);
    assert_eq!(
        a.counts.start.as_ref().map(|s| s.step),
        Some(StartStep::Location),
        "held until the locations are there"
    );
    reply(
        &mut a,
        lk,
        Reply::Lookups(Ok((vec![loc("A", None), loc("B", None)], Vec::new()))),
    );
    let st = a.counts.start.as_ref().expect("still starting");
    assert_eq!((st.step, st.location.as_str()), (StartStep::Category, "B"));
}
