//! Loading `articles/`: broken files stop start-up with a message naming the file and line.

use crate::support::*;
use gloss::library::{EntityKind, Library, Moment, Relation, When};
use time::macros::date;

fn load(essay: &str, entities: &str, notes: Option<&str>) -> Result<Library, String> {
    let dir = tempfile::tempdir().unwrap();
    write_library(dir.path(), essay, entities, notes);
    Library::load(dir.path()).map_err(|e| {
        let message = e.to_string();
        let file = e.file.file_name().unwrap().to_string_lossy().to_string();
        format!("{file}|{}|{message}", e.line)
    })
}

const ESSAY: &str = "Steve Witkoff spoke on October 14.\n\nWitkoff’s call mattered.\n";

#[test]
fn the_repository_library_loads() {
    let library = Library::load(&repo_articles()).unwrap();
    let article = library.article(ESSAY_SLUG).unwrap();
    assert!(article.notes.len() >= 12);
    for id in [
        "steve-witkoff",
        "yuri-ushakov",
        "kirill-dmitriev",
        "vladimir-putin",
        "donald-trump",
        "volodymyr-zelensky",
    ] {
        let person = library
            .entity(EntityKind::Person, id)
            .unwrap_or_else(|| panic!("{id}"));
        assert!(!library.mentions_of(person).is_empty(), "{id} is mentioned");
        assert!(
            article
                .notes
                .iter()
                .any(|n| n.entity.as_deref() == Some(id)),
            "{id} has a note"
        );
    }
    for (kind, id) in [
        (EntityKind::Organisation, "the-kremlin"),
        (EntityKind::Organisation, "bloomberg"),
        (EntityKind::Organisation, "politico"),
        (EntityKind::Organisation, "nato"),
        (EntityKind::Place, "donetsk-province"),
        (EntityKind::Place, "gaza"),
        (EntityKind::Place, "budapest"),
        (EntityKind::Place, "washington"),
        (EntityKind::Place, "arctic"),
    ] {
        let entity = library.entity(kind, id).unwrap_or_else(|| panic!("{id}"));
        assert!(!library.mentions_of(entity).is_empty(), "{id} is mentioned");
    }
    assert!(
        library
            .entity(EntityKind::Organisation, "russian-direct-investment-fund")
            .is_some()
    );
    let days = library.timeline();
    assert!(days.len() >= 6);
    assert!(days.windows(2).all(|w| w[0].date <= w[1].date));
}

#[test]
fn every_note_names_its_source_and_the_added_notes_sit_on_the_essays_words() {
    let library = Library::load(&repo_articles()).unwrap();
    let article = library.article(ESSAY_SLUG).unwrap();
    for note in &article.notes {
        let last = note.body.lines().last().unwrap_or_default();
        assert!(last.starts_with("Source: "), "{}: {last:?}", note.key);
    }
    for (key, words, entity) in [
        (
            "document-made-public",
            "the document made public last week",
            None,
        ),
        (
            "deepest-respect",
            "the deepest respect for President Putin",
            Some("witkoff-ushakov-call"),
        ),
        ("nato", "NATO", Some("nato")),
        ("kidnapped-children", "kidnapped Ukrainian children", None),
    ] {
        let note = article
            .notes
            .iter()
            .find(|n| n.key == key)
            .unwrap_or_else(|| panic!("{key}"));
        assert_eq!(article.document.text.slice(note.range.clone()), words);
        assert_eq!(note.entity.as_deref(), entity, "{key}");
    }
}

#[test]
fn a_summit_that_was_called_off_is_never_dated_as_held() {
    let library = Library::load(&repo_articles()).unwrap();
    let summit = library
        .entity(EntityKind::Event, "budapest-summit")
        .unwrap();
    assert_eq!(
        summit.when,
        Some(When::CalledOff {
            announced: date!(2025 - 10 - 16),
            called_off: date!(2025 - 10 - 22),
        })
    );
    let days: Vec<_> = library
        .timeline()
        .into_iter()
        .filter(|d| d.event.id == "budapest-summit")
        .map(|d| (d.date, d.moment))
        .collect();
    assert_eq!(
        days,
        [
            (date!(2025 - 10 - 16), Moment::Announced),
            (date!(2025 - 10 - 22), Moment::CalledOff),
        ]
    );
}

#[test]
fn the_published_recording_names_who_was_recorded_and_who_published_it() {
    let library = Library::load(&repo_articles()).unwrap();
    let leak = library
        .entity(EntityKind::Event, "witkoff-ushakov-call-leak")
        .unwrap();
    let linked = |relation| leak.linked(relation).collect::<Vec<_>>();
    assert_eq!(
        linked(Relation::Recorded),
        ["steve-witkoff", "yuri-ushakov"]
    );
    assert_eq!(linked(Relation::Publisher), ["bloomberg"]);
    assert!(linked(Relation::Participant).is_empty());
}

const ESSAY_SLUG: &str = crate::support::ESSAY;

#[test]
fn possessives_are_mentions_too() {
    let library = load(&format!("{FRONT}{ESSAY}"), ENTITIES, None).unwrap();
    let article = library.article("essay").unwrap();
    let texts: Vec<&str> = article
        .mentions
        .iter()
        .map(|m| article.document.text.slice(m.range.clone()))
        .collect();
    assert_eq!(texts, ["Steve Witkoff", "October 14", "Witkoff’s"]);
}

#[test]
fn a_note_naming_an_unknown_entity_names_its_file_and_line() {
    let notes = "\n[[notes]]\nid = \"x\"\nentity = \"nobody\"\nquote = \"Witkoff\"\nbody = \"b\"\n";
    let err = load(&format!("{FRONT}{ESSAY}"), ENTITIES, Some(notes)).unwrap_err();
    assert!(err.starts_with("essay.notes.toml|4|"), "{err}");
    assert!(err.contains("unknown entity \"nobody\""), "{err}");
}

#[test]
fn a_note_whose_passage_is_missing_names_its_file_and_line() {
    let notes = "[[notes]]\nid = \"x\"\nquote = \"Budapest\"\nbody = \"b\"\n";
    let err = load(&format!("{FRONT}{ESSAY}"), ENTITIES, Some(notes)).unwrap_err();
    assert!(err.starts_with("essay.notes.toml|3|"), "{err}");
    assert!(err.contains("\"Budapest\" is not in"), "{err}");
}

#[test]
fn a_prefix_picks_a_later_occurrence() {
    let notes =
        "[[notes]]\nid = \"x\"\nquote = \"Witkoff\"\nprefix = \"mattered.\\n\"\nbody = \"b\"\n";
    let essay = format!("{FRONT}Witkoff spoke.\n\nIt mattered.\n\nWitkoff again.\n");
    let library = load(&essay, ENTITIES, Some(notes)).unwrap();
    let article = library.article("essay").unwrap();
    let later = article.document.text.as_str().rfind("Witkoff").unwrap();
    assert_eq!(article.notes[0].range, later..later + "Witkoff".len());
}

#[test]
fn broken_toml_names_its_line() {
    let entities = "[[people]]\nid = \"a\"\nname = \n";
    let err = load(&format!("{FRONT}{ESSAY}"), entities, None).unwrap_err();
    assert!(err.starts_with("entities.toml|3|"), "{err}");
}

#[test]
fn an_event_without_a_date_is_refused() {
    let entities = "[[events]]\nid = \"e\"\nname = \"E\"\nmentions = [\"x\"]\nsummary = \"s\"\nsource = \"s\"\n";
    let err = refused_at(entities, 1);
    assert!(err.contains("needs a date"), "{err}");
}

#[test]
fn raw_html_in_an_essay_names_the_line_of_the_file() {
    let essay = format!("{FRONT}Fine.\n\n<div>no</div>\n");
    let err = load(&essay, ENTITIES, None).unwrap_err();
    let front_lines = FRONT.matches('\n').count();
    assert!(
        err.starts_with(&format!("essay.md|{}|", front_lines + 3)),
        "{err}"
    );
}

#[test]
fn missing_front_matter_is_refused() {
    let err = load("Just text.\n", ENTITIES, None).unwrap_err();
    assert!(err.starts_with("essay.md|1|"), "{err}");
}

#[test]
fn mentions_are_whole_words_and_a_place_name_before_a_comma_still_counts() {
    let entities = "[[places]]\nid = \"washington\"\nname = \"Washington, D.C.\"\nmentions = [\"Washington\"]\nsummary = \"s\"\nsource = \"s\"\n";
    let essay = format!("{FRONT}They met in Washington, D.C., and read the Washingtonian.\n");
    let library = load(&essay, entities, None).unwrap();
    let article = library.article("essay").unwrap();
    let texts: Vec<&str> = article
        .mentions
        .iter()
        .map(|m| article.document.text.slice(m.range.clone()))
        .collect();
    assert_eq!(texts, ["Washington"]);
}

/// Why the test essay cannot load with `entities`, an error that must name entities.toml at
/// `line`.
fn refused_at(entities: &str, line: usize) -> String {
    let err = load(&format!("{FRONT}{ESSAY}"), entities, None).unwrap_err();
    assert!(err.starts_with(&format!("entities.toml|{line}|")), "{err}");
    err
}

#[test]
fn a_phrase_claimed_by_two_entities_names_the_second() {
    let entities = format!(
        "{ENTITIES}\n[[places]]\nid = \"w\"\nname = \"W\"\nmentions = [\"Witkoff\"]\nsummary = \"s\"\nsource = \"s\"\n"
    );
    let line = entities.lines().position(|l| l == "[[places]]").unwrap() + 1;
    let err = refused_at(&entities, line);
    assert!(
        err.contains("\"Witkoff\" is already a mention of \"steve-witkoff\""),
        "{err}"
    );
}

#[test]
fn a_broken_entity_reference_names_its_file_and_line() {
    let entities = format!("{ENTITIES}published_by = [\"nobody\"]\n");
    let line = entities.lines().count();
    let err = refused_at(&entities, line);
    assert!(
        err.contains("published_by names an unknown entity \"nobody\""),
        "{err}"
    );
}

#[test]
fn a_reference_to_the_wrong_kind_of_entity_is_refused() {
    let entities = format!("{ENTITIES}place = \"steve-witkoff\"\n");
    let line = entities.lines().count();
    let err = refused_at(&entities, line);
    assert!(
        err.contains("place cannot name \"steve-witkoff\", which is in [[people]]"),
        "{err}"
    );
}

#[test]
fn an_event_called_off_before_it_was_announced_is_refused() {
    let entities = "[[events]]\nid = \"e\"\nname = \"E\"\nannounced = 2025-10-22\ncalled_off = 2025-10-16\nmentions = [\"x\"]\nsummary = \"s\"\nsource = \"s\"\n";
    let err = refused_at(entities, 1);
    assert!(err.contains("called off after it was announced"), "{err}");
}

#[test]
fn an_event_both_held_and_called_off_is_refused() {
    let entities = "[[events]]\nid = \"e\"\nname = \"E\"\ndate = 2025-10-16\ncalled_off = 2025-10-22\nmentions = [\"x\"]\nsummary = \"s\"\nsource = \"s\"\n";
    let err = refused_at(entities, 1);
    assert!(err.contains("give a date, or"), "{err}");
}
