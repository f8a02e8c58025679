//! The scripts are ES modules that import one another by file name (`./page.js`); the server
//! serves each under a name that changes with its content, so every import is rewritten to the
//! name its module is served under. No bundler: browsers load each module once and cache it
//! for a year.

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_span::SourceType;

/// A module ready to serve.
#[derive(Debug)]
pub struct Linked {
    pub text: String,
    /// The scripts it imports, by name: loaded with it.
    pub imports: Vec<String>,
    /// The scripts it loads later with `import()`, by name.
    pub later: Vec<String>,
}

/// `text` with each import of `./name.js`, static or `import()`, pointing at
/// `./{file_of("name")}`: modules are served side by side.
///
/// Errors name a module that does not parse, or an import that is not a served script: both
/// are mistakes in the repository's scripts, which a test catches.
pub fn link(
    script: &str,
    text: &str,
    file_of: impl Fn(&str) -> Option<String>,
) -> Result<Linked, String> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, text, SourceType::mjs()).parse();
    if parsed.panicked || !parsed.diagnostics.is_empty() {
        return Err(format!("{script}.js does not parse"));
    }
    let record = &parsed.module_record;
    let mut linked = Linked {
        text: String::with_capacity(text.len()),
        imports: Vec::new(),
        later: Vec::new(),
    };
    let mut rewrites = Vec::new();
    let mut rewrite = |specifier: &str, start: u32, end: u32| {
        let name = specifier
            .strip_prefix("./")
            .and_then(|file| file.strip_suffix(".js"))
            .filter(|name| !name.contains(['/', '$', '`']))
            .ok_or_else(|| format!("{script}.js imports {specifier}, which is not ./name.js"))?;
        let file = file_of(name).ok_or_else(|| {
            format!("{script}.js imports {specifier}, which is not served before it")
        })?;
        rewrites.push((start as usize, end as usize, file));
        Ok::<_, String>(name.to_owned())
    };
    for (specifier, requests) in &record.requested_modules {
        for request in requests {
            let name = rewrite(specifier, request.span.start, request.span.end)?;
            if !linked.imports.contains(&name) {
                linked.imports.push(name);
            }
        }
    }
    for dynamic in &record.dynamic_imports {
        let span = dynamic.module_request;
        let quoted = &text[span.start as usize..span.end as usize];
        let specifier = quoted
            .get(1..quoted.len().saturating_sub(1))
            .filter(|_| quoted.starts_with(['"', '\'', '`']) && quoted.len() > 1)
            .unwrap_or(quoted);
        let name = rewrite(specifier, span.start, span.end)?;
        if !linked.later.contains(&name) {
            linked.later.push(name);
        }
    }
    rewrites.sort_unstable();
    let mut copied = 0;
    for (start, end, file) in rewrites {
        linked.text.push_str(&text[copied..start]);
        linked.text.push_str("\"./");
        linked.text.push_str(&file);
        linked.text.push('"');
        copied = end;
    }
    linked.text.push_str(&text[copied..]);
    Ok(linked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(name: &str) -> Option<String> {
        ["page", "editor"]
            .contains(&name)
            .then(|| format!("{name}.0123456789.js"))
    }

    #[test]
    fn imports_point_at_the_served_names() {
        let text =
            r#"import{a as b}from"./page.js";import "./page.js";export{c}from'./page.js';b()"#;
        assert_eq!(
            link("entry", text, served).unwrap().text,
            r#"import{a as b}from"./page.0123456789.js";import "./page.0123456789.js";export{c}from"./page.0123456789.js";b()"#
        );
    }

    #[test]
    fn a_module_names_what_it_imports_now_and_later_once() {
        let text = r#"import "./page.js";import{a}from"./page.js";a()&&import(`./editor.js`);"#;
        let linked = link("entry", text, served).unwrap();
        assert_eq!(linked.imports, ["page"]);
        assert_eq!(linked.later, ["editor"]);
        assert!(
            linked
                .text
                .ends_with(r#"import("./editor.0123456789.js");"#),
            "{}",
            linked.text
        );
    }

    #[test]
    fn an_import_of_what_is_not_served_is_an_error_naming_both() {
        let error = link("entry", r#"import "./nowhere.js";"#, served).unwrap_err();
        assert!(
            error.contains("entry.js") && error.contains("./nowhere.js"),
            "{error}"
        );
        let error = link("entry", r#"import "https://example.com/x.js";"#, served).unwrap_err();
        assert!(error.contains("not ./name.js"), "{error}");
        let error = link("entry", r#"import(`./${name}.js`);"#, served).unwrap_err();
        assert!(error.contains("not ./name.js"), "{error}");
    }
}
