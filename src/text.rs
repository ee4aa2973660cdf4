//! Numbers as people read them: the one place that says how money, shares,
//! caseloads and plain numbers are written in sentences, tables and charts.
//!
//! Two kinds of figure, one look: results are rounded as people quote them
//! (`percent`: whole per cent; `money`: whole pounds), inputs are shown as
//! written (`percent_as_written`, `number`), and both write a share as `42%`
//! and money as `£1,234` or `-£1,234`. A negative sum has an ASCII
//! hyphen-minus, so a figure copied from a page into Excel is still a number;
//! on an HTML page [`html_num`] keeps a figure on one line, so that its sign
//! never wraps away from it (report.html's stylesheet gives `span.num`
//! `white-space: nowrap`). [`escape`] makes any text safe in HTML, for
//! `html_num` and every page and chart title.
//!
//! A chance (a share of runs) is never written as 100% unless every run
//! met it, nor 0% unless none did ([`chance`]: "more than 99%", "less than
//! 1%"). Teams', roles' and case states' keys read as words ([`team_name`],
//! [`role_people`], [`key_words`]): the scenario format gives them no other
//! name.
//!
//! None of this reaches the CSV files, whose numbers are written for
//! spreadsheets (`output::fmt_value`, `output::headline`).

/// A plain number: one decimal from 100 up, two below, no trailing zeros
/// (`101.7`, `55`, `0.95`), `infinite` for an infinite value, and from
/// 10^15 on in exponent form (`4.5e301`).
pub fn number(x: f64) -> String {
    if x.is_infinite() {
        return "infinite".into();
    }
    if x.abs() >= 1e15 {
        // 4.5e301, not three hundred digits.
        return format!("{x:.1e}");
    }
    let text = if x.abs() >= 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    };
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".into() } else { text.into() }
}

/// A change with its sign: `+10`, `-5.5`, `0`.
pub fn signed_number(x: f64) -> String {
    let text = number(x);
    if x > 0.0 && text != "0" {
        format!("+{text}")
    } else {
        text
    }
}

/// Whole pounds with thousands separators, halves rounded up: `£52,000`,
/// `-£1,234`, `£0`.
pub fn money(x: f64) -> String {
    // Halves up, as headline.csv rounds (-£2,064,283.5 is -£2,064,283), so
    // the words and the spreadsheet agree to the pound.
    let rounded = (x + 0.5).floor();
    format!("{}£{}", if rounded < 0.0 { "-" } else { "" }, grouped(rounded.abs()))
}

/// A count to the whole number, halves rounded up, with thousands
/// separators: `5,184`, `0`.
pub fn count(x: f64) -> String {
    let rounded = (x + 0.5).floor();
    format!("{}{}", if rounded < 0.0 { "-" } else { "" }, grouped(rounded.abs()))
}

/// A whole number of 0 or more with commas between its thousands.
fn grouped(whole: f64) -> String {
    let digits = format!("{whole:.0}");
    let mut out = String::with_capacity(digits.len() + 4);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Money with its sign, for a difference: `+£472,907`, `-£705`, `£0`.
pub fn signed_money(x: f64) -> String {
    let text = money(x);
    if text.starts_with('-') || text == "£0" {
        text
    } else {
        format!("+{text}")
    }
}

/// Money short enough for a chart's axis, to the precision `scale` (the
/// largest value on the axis) calls for: `£12.5m`, `£450k`, `-£50k`, `£0`.
pub fn money_compact(x: f64, scale: f64) -> String {
    if x == 0.0 {
        return "£0".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if scale >= 1e6 {
        format!("{sign}£{}m", number(a / 1e6))
    } else if scale >= 1e3 {
        format!("{sign}£{}k", number(a / 1e3))
    } else {
        format!("{sign}£{}", number(a))
    }
}

/// A result's share as a whole percentage: `0.4249` -> `42%`.
pub fn percent(p: f64) -> String {
    format!("{}%", number((p * 100.0).round()))
}

/// A chance, the share of runs in which something happens, as a whole
/// percentage that never says more than the runs do: `0.64` -> `64%`, but
/// `0.996` -> `more than 99%` and `0.004` -> `less than 1%`; `100%` and `0%`
/// only when every run, or none, did.
pub fn chance(p: f64) -> String {
    whole_chance((p * 100.0).round().clamp(0.0, 100.0) as u32, p)
}

/// A chance already rounded to `points` whole percent (as the bands' table
/// rounds its shares to add to 100), from its exact share `p`: `points`
/// with a per cent sign, unless that claims every run (100) or none (0)
/// when `p` says otherwise.
pub fn whole_chance(points: u32, p: f64) -> String {
    if points >= 100 && p < 1.0 {
        "more than 99%".into()
    } else if points == 0 && p > 0.0 {
        "less than 1%".into()
    } else {
        format!("{points}%")
    }
}

/// An input's share as written, to two decimals of a percentage at most:
/// `0.225` -> `22.5%`, `0.3` -> `30%`.
pub fn percent_as_written(p: f64) -> String {
    format!("{}%", number(p * 100.0))
}

/// An average caseload: one decimal, halves up as in headline.csv, or
/// `infinite` when no one in post holds cases (no case-holding capacity).
pub fn caseload(x: f64) -> String {
    if x.is_infinite() {
        "infinite".into()
    } else {
        crate::output::headline::caseload_text(x)
    }
}

/// Social workers per manager: one decimal, halves up as in headline.csv,
/// or `infinite` with no manager in post.
pub fn span(x: f64) -> String {
    if x.is_infinite() {
        "infinite".into()
    } else {
        crate::output::headline::span_text(x)
    }
}

/// A key of the scenario file as words: `child_in_need` -> `child in need`.
pub fn key_words(key: &str) -> String {
    key.replace('_', " ")
}

/// A case state mid-sentence, from its key: `child_in_need` -> `child in
/// need`; a short key of one word is taken for an abbreviation, as case
/// states are often named (`cin` -> `CIN`, `cp` -> `CP`, `lac` -> `LAC`).
pub fn case_state(key: &str) -> String {
    words_or_abbreviation(key)
}

/// A key as words, or a short key of one word as an abbreviation
/// (`child_in_need` -> `child in need`, `cin` -> `CIN`).
fn words_or_abbreviation(key: &str) -> String {
    if !key.contains('_') && key.len() <= 3 {
        key.to_uppercase()
    } else {
        key_words(key)
    }
}

/// A team's name from its key: `child_protection` -> `Child protection`.
pub fn team_name(key: &str) -> String {
    capital(&key_words(key))
}

/// One person in a role, from the role's key: the roles of English
/// children's social care by their names (`iro` -> `independent reviewing
/// officer`, `team_manager` -> `team manager`); any other key as words,
/// a short key of one word taken for an abbreviation (`pa` -> `PA`).
pub fn role_person(key: &str) -> String {
    match key {
        "iro" => "independent reviewing officer".into(),
        "asye" => "newly qualified social worker (ASYE)".into(),
        _ => words_or_abbreviation(key),
    }
}

/// The people in a role, from the role's key: `team_manager` -> `team
/// managers`, `iro` -> `independent reviewing officers`, `pa` -> `PAs`.
pub fn role_people(key: &str) -> String {
    match key {
        "asye" => "newly qualified social workers (ASYEs)".into(),
        _ => {
            let one = role_person(key);
            if one.ends_with('s') { one } else { format!("{one}s") }
        }
    }
}

/// Whole percentages of `shares` (which sum to 1) that sum to exactly 100:
/// each share's whole part, then the points left over to the largest
/// remainders (the earlier share on a tie). Shares that do not sum to 1
/// (within rounding) are rounded each on its own.
pub fn whole_percentages(shares: &[f64]) -> Vec<u32> {
    let total: f64 = shares.iter().sum();
    if shares.is_empty() || shares.iter().any(|s| !s.is_finite() || *s < 0.0) || (total - 1.0).abs() > 1e-6 {
        return shares.iter().map(|s| (s * 100.0).round().max(0.0) as u32).collect();
    }
    let scaled: Vec<f64> = shares.iter().map(|s| s * 100.0 / total).collect();
    let mut out: Vec<u32> = scaled.iter().map(|x| x.floor() as u32).collect();
    let given: u32 = out.iter().sum();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (scaled[a] - scaled[a].floor(), scaled[b] - scaled[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().take(100u32.saturating_sub(given) as usize) {
        out[i] += 1;
    }
    out
}

/// An ordinal in words: `first` to `tenth`, then `11th`, `21st`, `22nd`.
pub fn ordinal(n: usize) -> String {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    ];
    if let Some(word) = n.checked_sub(1).and_then(|i| WORDS.get(i)) {
        return (*word).to_string();
    }
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Words with the first letter upper-cased: `front door` -> `Front door`.
pub fn capital(words: &str) -> String {
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Words that go on mid-sentence: the first letter lower-cased unless the
/// word is an abbreviation (`ASYEs`, `FTE`).
pub fn mid_sentence(words: &str) -> String {
    let mut chars = words.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if second.is_lowercase() => {
            format!("{}{}", first.to_lowercase(), &words[first.len_utf8()..])
        }
        _ => words.to_string(),
    }
}

/// A figure on an HTML page that never wraps across lines, its sign and
/// currency kept with its digits: `<span class="num">-£1,234</span>`.
pub fn html_num(text: &str) -> String {
    format!("<span class=\"num\">{}</span>", escape(text))
}

/// Text made safe for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_states_read_as_words_and_short_keys_as_abbreviations() {
        assert_eq!(case_state("child_in_need"), "child in need");
        assert_eq!(case_state("assessment"), "assessment");
        assert_eq!(case_state("cin"), "CIN");
        assert_eq!(case_state("cp"), "CP");
        assert_eq!(case_state("care_leavers"), "care leavers");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(number(101.71), "101.7");
        assert_eq!(number(55.0), "55");
        assert_eq!(number(0.95), "0.95");
        assert_eq!(number(-0.001), "0");
        assert_eq!(number(f64::INFINITY), "infinite");
        assert_eq!(signed_number(10.0), "+10");
        assert_eq!(signed_number(-5.5), "-5.5");
        assert_eq!(signed_number(0.0), "0");
    }

    #[test]
    fn counts_are_whole_numbers_with_separators() {
        assert_eq!(count(5183.6), "5,184");
        assert_eq!(count(999.4), "999");
        assert_eq!(count(1_234_567.0), "1,234,567");
        assert_eq!(count(0.2), "0");
        assert_eq!(count(-1500.0), "-1,500");
    }

    #[test]
    fn money_is_whole_pounds_with_separators_and_a_leading_sign() {
        assert_eq!(money(1234.0), "£1,234");
        assert_eq!(money(-1234.0), "-£1,234");
        assert_eq!(money(52000.0), "£52,000");
        assert_eq!(money(-1_234_567.4), "-£1,234,567");
        assert_eq!(money(999.5), "£1,000");
        assert_eq!(money(0.0), "£0");
        // Less than half a pound either way is no money, not "-£0".
        assert_eq!(money(-0.4), "£0");
        // Halves round up, as in headline.csv.
        assert_eq!(money(-2_064_283.5), "-£2,064,283");
        assert_eq!(money(-0.5), "£0");
        assert_eq!(signed_money(472_907.0), "+£472,907");
        assert_eq!(signed_money(-705.0), "-£705");
        assert_eq!(signed_money(0.2), "£0");
        assert_eq!(money_compact(12_500_000.0, 2.0e7), "£12.5m");
        assert_eq!(money_compact(450_000.0, 4.0e5), "£450k");
        assert_eq!(money_compact(-50_000.0, 4.0e5), "-£50k");
        assert_eq!(money_compact(0.0, 4.0e5), "£0");
    }

    #[test]
    fn shares_are_percentages() {
        assert_eq!(percent(0.4249), "42%");
        assert_eq!(percent(0.07), "7%");
        assert_eq!(percent(1.0), "100%");
        assert_eq!(chance(0.64), "64%");
        assert_eq!(chance(1.0), "100%");
        assert_eq!(chance(0.0), "0%");
        assert_eq!(chance(0.995), "more than 99%");
        assert_eq!(chance(0.9999), "more than 99%");
        assert_eq!(chance(0.994), "99%");
        assert_eq!(chance(0.004), "less than 1%");
        assert_eq!(chance(0.005), "1%");
        assert_eq!(whole_chance(100, 0.998), "more than 99%");
        assert_eq!(whole_chance(0, 0.002), "less than 1%");
        assert_eq!(whole_chance(0, 0.0), "0%");
        assert_eq!(whole_chance(100, 1.0), "100%");
        assert_eq!(span(5.27), "5.3");
        assert_eq!(span(4.0), "4.0");
        assert_eq!(percent_as_written(0.225), "22.5%");
        assert_eq!(percent_as_written(0.3), "30%");
        assert_eq!(caseload(22.449), "22.4");
        assert_eq!(caseload(20.25), "20.3");
        assert_eq!(caseload(f64::INFINITY), "infinite");
    }

    #[test]
    fn whole_percentages_sum_to_exactly_100() {
        // Rounded each on its own these give 33 + 33 + 33 = 99.
        assert_eq!(whole_percentages(&[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]), [34, 33, 33]);
        // And these 38 + 38 + 25 = 101.
        assert_eq!(whole_percentages(&[0.375, 0.375, 0.25]), [38, 37, 25]);
        assert_eq!(whole_percentages(&[0.0, 0.0, 1.0]), [0, 0, 100]);
        assert_eq!(whole_percentages(&[0.125, 0.5, 0.375]), [13, 50, 37]);
        for n in 1..200u32 {
            let shares = [f64::from(n) / 997.0, f64::from(n * 3) / 997.0];
            let rest = 1.0 - shares[0] - shares[1];
            let p = whole_percentages(&[shares[0], shares[1], rest]);
            assert_eq!(p.iter().sum::<u32>(), 100, "{shares:?}");
        }
    }

    #[test]
    fn teams_and_roles_read_as_words() {
        assert_eq!(team_name("child_protection"), "Child protection");
        assert_eq!(key_words("child_in_need"), "child in need");
        assert_eq!(capital(&role_people("iro")), "Independent reviewing officers");
        assert_eq!(capital(&role_people("team_manager")), "Team managers");
        assert_eq!(capital(&role_people("advanced_practitioner")), "Advanced practitioners");
        assert_eq!(capital(&role_people("social_worker")), "Social workers");
        assert_eq!(role_person("team_manager"), "team manager");
        assert_eq!(role_people("pa"), "PAs");
    }

    #[test]
    fn ordinals_are_words_then_numbers() {
        assert_eq!(ordinal(1), "first");
        assert_eq!(ordinal(10), "tenth");
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(112), "112th");
        assert_eq!(ordinal(0), "0th");
    }

    #[test]
    fn an_html_figure_does_not_wrap() {
        assert_eq!(html_num("-£1,234"), "<span class=\"num\">-£1,234</span>");
        assert_eq!(html_num("<1"), "<span class=\"num\">&lt;1</span>");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape("<a & 'b'>\""), "&lt;a &amp; &#39;b&#39;&gt;&quot;");
    }
}
