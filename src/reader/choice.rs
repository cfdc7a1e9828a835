//! Which reader to use: a pure function over the listed reader states.

use super::{ReaderError, ReaderInfo};

/// Picks a reader and returns its index in `readers`.
///
/// With a `choice`, in this order:
/// 1. a reader named exactly `choice`;
/// 2. if `choice` is all ASCII digits, the reader with that 0-based index (the number
///    `mynapin readers` prints);
/// 3. the one reader whose name contains `choice`, ignoring case (several → [`ReaderError::AmbiguousReader`]).
///
/// Anything else is [`ReaderError::UnknownReader`], listing every reader. Card presence does not
/// matter here: connecting to a chosen reader without a card reports [`ReaderError::NoCard`].
///
/// Without a choice: the one reader that holds a card; several → [`ReaderError::SeveralCards`];
/// none → [`ReaderError::NoCard`] (naming the reader when there is only one).
///
/// No reader at all is [`ReaderError::NoReader`] either way.
pub fn choose_reader(readers: &[ReaderInfo], choice: Option<&str>) -> Result<usize, ReaderError> {
    if readers.is_empty() {
        return Err(ReaderError::NoReader);
    }
    let Some(choice) = choice else {
        let with_card: Vec<usize> = (0..readers.len())
            .filter(|&i| readers[i].card_present)
            .collect();
        return match with_card.as_slice() {
            [only] => Ok(*only),
            [] => Err(ReaderError::NoCard {
                reader: match readers {
                    [only] => Some(only.name.clone()),
                    _ => None,
                },
            }),
            several => Err(ReaderError::SeveralCards {
                readers: several.iter().map(|&i| readers[i].name.clone()).collect(),
            }),
        };
    };

    if let Some(index) = readers.iter().position(|reader| reader.name == choice) {
        return Ok(index);
    }
    let unknown = || ReaderError::UnknownReader {
        given: choice.to_string(),
        available: readers.iter().map(|reader| reader.name.clone()).collect(),
    };
    if choice.is_empty() {
        return Err(unknown());
    }
    if choice.bytes().all(|b| b.is_ascii_digit()) {
        return match choice.parse::<usize>() {
            Ok(index) if index < readers.len() => Ok(index),
            _ => Err(unknown()),
        };
    }
    let needle = choice.to_lowercase();
    let matches: Vec<usize> = (0..readers.len())
        .filter(|&i| readers[i].name.to_lowercase().contains(&needle))
        .collect();
    match matches.as_slice() {
        [only] => Ok(*only),
        [] => Err(unknown()),
        several => Err(ReaderError::AmbiguousReader {
            given: choice.to_string(),
            matches: several.iter().map(|&i| readers[i].name.clone()).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(name: &str, card: bool) -> ReaderInfo {
        ReaderInfo {
            name: name.to_string(),
            card_present: card,
            atr: card.then(|| vec![0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]),
        }
    }

    fn virtual_pair(card0: bool, card1: bool) -> Vec<ReaderInfo> {
        vec![
            reader("Virtual PCD 00 00", card0),
            reader("Virtual PCD 00 01", card1),
        ]
    }

    #[test]
    fn no_reader_is_no_reader_with_or_without_choice() {
        assert!(matches!(
            choose_reader(&[], None),
            Err(ReaderError::NoReader)
        ));
        assert!(matches!(
            choose_reader(&[], Some("0")),
            Err(ReaderError::NoReader)
        ));
    }

    #[test]
    fn without_choice_the_one_reader_with_a_card_wins() {
        assert_eq!(choose_reader(&virtual_pair(false, true), None).unwrap(), 1);
        assert_eq!(choose_reader(&virtual_pair(true, false), None).unwrap(), 0);
    }

    #[test]
    fn without_choice_several_cards_list_their_readers() {
        let err = choose_reader(&virtual_pair(true, true), None).unwrap_err();
        let ReaderError::SeveralCards { readers } = err else {
            panic!("expected SeveralCards, got {err:?}");
        };
        assert_eq!(readers, ["Virtual PCD 00 00", "Virtual PCD 00 01"]);
    }

    #[test]
    fn without_choice_and_no_card_asks_for_the_card() {
        assert!(matches!(
            choose_reader(&virtual_pair(false, false), None),
            Err(ReaderError::NoCard { reader: None })
        ));
        assert!(matches!(
            choose_reader(&[reader("ACS ACR39U", false)], None),
            Err(ReaderError::NoCard { reader: Some(name) }) if name == "ACS ACR39U"
        ));
    }

    #[test]
    fn exact_name_with_spaces_and_non_ascii() {
        let readers = vec![
            reader("Virtual PCD 00 00", false),
            reader("ソニー PaSoRi RC-S380 00 00", true),
        ];
        assert_eq!(
            choose_reader(&readers, Some("ソニー PaSoRi RC-S380 00 00")).unwrap(),
            1
        );
        assert_eq!(
            choose_reader(&readers, Some("Virtual PCD 00 00")).unwrap(),
            0
        );
    }

    #[test]
    fn index_chooses_by_position() {
        assert_eq!(
            choose_reader(&virtual_pair(true, true), Some("1")).unwrap(),
            1
        );
        assert_eq!(
            choose_reader(&virtual_pair(true, true), Some("0")).unwrap(),
            0
        );
    }

    #[test]
    fn an_exact_name_beats_an_index() {
        let readers = vec![reader("Virtual PCD 00 00", true), reader("0", false)];
        assert_eq!(choose_reader(&readers, Some("0")).unwrap(), 1);
    }

    #[test]
    fn an_index_beyond_the_list_is_unknown_and_lists_readers() {
        for given in ["2", "99999999999999999999999999"] {
            let err = choose_reader(&virtual_pair(true, false), Some(given)).unwrap_err();
            let ReaderError::UnknownReader {
                given: g,
                available,
            } = err
            else {
                panic!("expected UnknownReader, got {err:?}");
            };
            assert_eq!(g, given);
            assert_eq!(available, ["Virtual PCD 00 00", "Virtual PCD 00 01"]);
        }
    }

    #[test]
    fn a_digit_string_is_an_index_not_a_substring() {
        // "00" occurs in both names; as an index it means reader 0.
        assert_eq!(
            choose_reader(&virtual_pair(false, true), Some("00")).unwrap(),
            0
        );
    }

    #[test]
    fn unique_substring_ignores_case_including_non_ascii() {
        let readers = vec![
            reader("Virtual PCD 00 00", false),
            reader("SONY FeliCa RC-S380/P", true),
            reader("Ａｃｓ ＡＣＲ３９Ｕ ICC Reader 00 00", false),
        ];
        assert_eq!(choose_reader(&readers, Some("felica")).unwrap(), 1);
        assert_eq!(choose_reader(&readers, Some("ｓ ａｃｒ")).unwrap(), 2);
        assert_eq!(choose_reader(&readers, Some("virtual pcd")).unwrap(), 0);
    }

    #[test]
    fn a_substring_of_several_names_is_ambiguous_and_lists_them() {
        let mut readers = virtual_pair(false, true);
        readers.push(reader("ACS ACR39U", false));
        let err = choose_reader(&readers, Some("virtual")).unwrap_err();
        let ReaderError::AmbiguousReader { given, matches } = err else {
            panic!("expected AmbiguousReader, got {err:?}");
        };
        assert_eq!(given, "virtual");
        assert_eq!(matches, ["Virtual PCD 00 00", "Virtual PCD 00 01"]);
    }

    #[test]
    fn no_match_and_empty_choice_are_unknown() {
        for given in ["gemalto", ""] {
            assert!(matches!(
                choose_reader(&virtual_pair(true, false), Some(given)),
                Err(ReaderError::UnknownReader { .. })
            ));
        }
    }

    #[test]
    fn a_chosen_reader_need_not_hold_a_card() {
        // Connecting reports NoCard for that reader, naming it.
        assert_eq!(
            choose_reader(&virtual_pair(true, false), Some("01")).unwrap(),
            1
        );
    }
}
