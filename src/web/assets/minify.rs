//! The scripts are sent minified, so the files in the repository can stay readable and
//! commented: parsed, compressed, their local names shortened and printed without whitespace
//! once, when the server first needs them.

use std::panic;

use oxc_allocator::Allocator;
use oxc_codegen::{Codegen, CodegenOptions};
use oxc_minifier::{CompressOptions, MangleOptions, Minifier, MinifierOptions};
use oxc_parser::{Parser, ParserReturn};
use oxc_span::SourceType;

/// The ES module `source` minified; if that fails, `source` as it is, with a warning: a script
/// sent unminified is only larger.
pub fn script(name: &str, source: &str) -> String {
    match panic::catch_unwind(|| minified(source)) {
        Ok(Ok(text)) => return text,
        Ok(Err(why)) => tracing::warn!(script = name, %why, "sending the script unminified"),
        Err(_) => tracing::warn!(
            script = name,
            "the minifier panicked; sending the script unminified"
        ),
    }
    source.to_owned()
}

fn minified(source: &str) -> Result<String, String> {
    let allocator = Allocator::default();
    let mut program = parse(&allocator, source)?.program;
    let options = MinifierOptions {
        // Top-level names too: a module's are its own; what it exports keeps its name.
        mangle: Some(MangleOptions {
            top_level: Some(true),
            ..MangleOptions::default()
        }),
        compress: Some(CompressOptions::default()),
    };
    let minified = Minifier::new(options).minify(&allocator, &mut program);
    let text = Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(minified.scoping)
        .with_private_member_mappings(minified.class_private_mappings)
        .build(&program)
        .code;
    parse(&Allocator::default(), &text).map_err(|why| format!("the minified text: {why}"))?;
    Ok(text)
}

fn parse<'a>(allocator: &'a Allocator, source: &'a str) -> Result<ParserReturn<'a>, String> {
    let parsed = Parser::new(allocator, source, SourceType::mjs()).parse();
    match parsed.diagnostics.first() {
        Some(error) => Err(format!("does not parse: {error}")),
        None if parsed.panicked => Err("does not parse".to_owned()),
        None => Ok(parsed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_shrink_and_keep_their_strings_and_patterns() {
        for (file, source, kept) in [
            (
                "server.js",
                include_str!("../../../static/server.js"),
                &[
                    r#"meta[name="gloss-csrf"]"#,
                    "/(?:^|; *)gloss_csrf=([^;]*)/",
                ][..],
            ),
            (
                "passage.js",
                include_str!("../../../static/passage.js"),
                &["/[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]/g"],
            ),
            (
                "margin.js",
                include_str!("../../../static/margin.js"),
                &[":scope > .note-gist"],
            ),
        ] {
            let text = script(file, source);
            assert!(
                text.len() < source.len() * 3 / 4,
                "{file}: {} bytes",
                text.len()
            );
            assert!(!text.contains("/**"), "{file}: comments are dropped");
            for kept in kept {
                assert!(text.contains(kept), "{kept} in the minified {file}");
            }
        }
    }

    #[test]
    fn local_names_shrink_and_exported_names_stay() {
        let source = "const localName = 2;\nexport const shared = 1;\nexport function named() { return localName; }\n";
        let text = script("module.js", source);
        assert!(!text.contains("localName"), "{text}");
        for exported in ["shared", "named"] {
            assert!(text.contains(exported), "{exported} in {text}");
        }
    }

    #[test]
    fn a_script_that_does_not_parse_is_sent_as_it_is() {
        let broken = "const a = ;\n// keep me\n";
        assert_eq!(script("broken.js", broken), broken);
    }
}
