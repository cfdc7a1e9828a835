//! `change-pin` and `check` on the real stack (issue 18): pcscd + vpcd + the virtual card, the
//! card's APDU log checked byte for byte (PIN data masked by the card's log).

use mynapin::card_model::CardState;

use super::support::{e2e, run, Run, VirtualCard, SLOT0};
use super::{
    assert_identified_once, counter, verify_4, IDENTIFY_APDUS, SELECT_AUTH_PIN, SELECT_JPKI,
};

/// The card's APDUs since `mark`, power events left out (pcscd's timing decides those).
fn apdus_since(card: &VirtualCard, mark: usize) -> Vec<String> {
    card.log_since(mark)
        .into_iter()
        .filter(|line| line.contains("->"))
        .collect()
}

fn change_pin(stdin: &str) -> Run {
    run(
        &["change-pin", "--pin", "auth", "--pin-stdin", "--json"],
        Some(stdin),
    )
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn change_pin_changes_the_auth_pin_after_a_verify_in_one_transaction() {
    let _serial = e2e();
    let card = VirtualCard::insert(SLOT0, &CardState::demo(), &[]);
    let mark = card.log().len();
    let result = change_pin("1234\n4321\n");
    assert_eq!(result.code, 0, "{result:?}");
    let json = result.json();
    assert_eq!(json["result"], "changed", "{result:?}");
    assert_eq!(json["reader"], "Virtual PCD 00 00");
    assert_eq!(json["tries_left"], 3);
    card.settle();
    assert_eq!(
        apdus_since(&card, mark),
        [
            SELECT_JPKI,
            SELECT_AUTH_PIN,
            &counter(3),
            SELECT_JPKI,
            SELECT_AUTH_PIN,
            &counter(3),
            &verify_4("9000"),
            "0024018004******** -> 9000",
        ]
    );
    assert_eq!(card.state().auth.value, "4321");
    assert_eq!(card.state().auth.tries_left, 3);
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn a_lost_answer_to_the_change_is_unknown_old_or_new_and_never_resent() {
    let _serial = e2e();
    // Identification, the counter read (3), then SELECT, SELECT, counter, VERIFY, CHANGE: the
    // CHANGE runs, then the card leaves unanswered.
    let change_apdu = IDENTIFY_APDUS + 3 + 5;
    let fault = format!("remove-after={change_apdu}");
    let card = VirtualCard::insert(SLOT0, &CardState::demo(), &["--fault", &fault]);
    assert_identified_once(&card);
    let result = change_pin("1234\n4321\n");
    assert_eq!(result.code, 1, "{result:?}");
    assert_eq!(result.json()["result"], "unknown", "{result:?}");
    let log = card.log();
    let changes = log.iter().filter(|l| l.starts_with("00240180")).count();
    assert_eq!(changes, 1, "{log:#?}");
    assert_eq!(card.state().auth.value, "4321");
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn check_passes_on_a_healthy_virtual_card() {
    let _serial = e2e();
    let card = VirtualCard::insert(SLOT0, &CardState::demo(), &[]);
    let mark = card.log().len();
    let result = run(&["check", "--pin-stdin", "--json"], Some("1234\n"));
    assert_eq!(result.code, 0, "{result:?}");
    let json = result.json();
    assert_eq!(json["passed"], true, "{result:?}");
    card.settle();
    let apdus = apdus_since(&card, mark);
    let signature = apdus
        .iter()
        .position(|l| l.starts_with("802A008033"))
        .unwrap_or_else(|| panic!("{apdus:#?}"));
    assert_eq!(
        apdus[signature - 5..signature],
        [
            SELECT_JPKI.to_string(),
            SELECT_AUTH_PIN.to_string(),
            counter(3),
            verify_4("9000"),
            "00A4020C020017 -> 9000".to_string(),
        ]
    );
    assert!(apdus[signature].ends_with("9000"), "{apdus:#?}");
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn each_check_fault_fails_its_step() {
    let _serial = e2e();
    for (fault, step, reason) in [
        ("expired-certificate", 2, "expired"),
        ("wrong-ca", 3, "bad-signature"),
        ("key-mismatch", 4, "signature-mismatch"),
    ] {
        let card = VirtualCard::insert(SLOT0, &CardState::demo(), &["--fault", fault]);
        let result = run(&["check", "--pin-stdin", "--json"], Some("1234\n"));
        assert_eq!(result.code, 1, "{fault}: {result:?}");
        let json = result.json();
        assert_eq!(json["steps"][step]["reason"], reason, "{fault}: {json}");
        let failed = json["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["result"] == "failed")
            .count();
        assert_eq!(failed, 1, "{fault}: {json}");
        drop(card);
    }
}

#[test]
#[ignore = "needs pcscd + vpcd: run scripts/e2e"]
fn without_a_card_check_fails_its_first_step_and_change_pin_is_no_card() {
    let _serial = e2e();
    let result = run(&["check", "--pin-stdin", "--json"], Some("1234\n"));
    assert_eq!(result.code, 6, "{result:?}");
    let json = result.json();
    assert_eq!(json["passed"], false);
    assert_eq!(json["steps"][0]["result"], "failed", "{json}");
    assert_eq!(json["steps"][0]["reason"], "no-card", "{json}");
    for step in 1..6 {
        assert_eq!(json["steps"][step]["result"], "not-checked", "{json}");
    }
    let result = run(
        &["change-pin", "--pin-stdin", "--json"],
        Some("1234\n4321\n"),
    );
    assert_eq!(result.code, 6, "{result:?}");
    assert_eq!(result.json()["error"]["code"], "no-card", "{result:?}");
}
