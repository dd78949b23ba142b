//! `stancemap network`: a finished run's stances as a network for Gephi, visone or any graph library, in the
//! three forms the Discourse Network Analyzer exports (Leifeld 2017, "Discourse Network Analysis"):
//!
//! - **two-mode**: actors and targets as two kinds of node; an edge from an actor to a target for each
//!   stances.csv cell with favor or against evidence, weighted by that evidence, with the favor, against and
//!   neutral counts, the score and the stance as attributes;
//! - **congruence**: actors only; two actors are linked by the number of targets on which they take the same
//!   side (both favor, or both against);
//! - **conflict**: the same, counting the targets on which they take opposite sides.
//!
//! As in the Discourse Network Analyzer, an actor is on a side of a target when it has a statement of that
//! side: favor evidence in its stances.csv cell puts it among the target's supporters, against evidence among
//! its opponents, both (an ambivalent actor) among both. Congruence then counts, over the targets, the sides two
//! actors share; conflict the pairs of opposite sides they take. Without ambivalence, that is the number of
//! targets on which they agree (disagree). Neutral evidence is a sentence in which the model saw no stance, so a
//! cell with only neutral evidence is no edge. Filters: the least favor-or-against evidence a cell needs, the holders' actor types, the
//! least mentions an actor needs (rare actors left out, as holders and as targets), and the period (a `run
//! --period` row, `all` by default).
//!
//! Formats: GraphML (visone, Gephi, igraph, networkx), GEXF 1.3 (Gephi), or two CSV tables (`NAME.csv` for the
//! edges, `NAME.nodes.csv` beside it), which Gephi's spreadsheet import and every statistics package read.
//! Congruence and conflict pair up the actors of each target once: the work grows with the sum over targets of
//! the square of the actors taking a side on it, not with all pairs of actors.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::output::finished::FinishedRun;
use crate::output::staging_path;

/// Which network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Actors and targets, an edge per stance.
    TwoMode,
    /// Actors, linked by the targets on which they take the same side.
    Congruence,
    /// Actors, linked by the targets on which they take opposite sides.
    Conflict,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::TwoMode => "two-mode",
            Mode::Congruence => "congruence",
            Mode::Conflict => "conflict",
        }
    }
}

/// The file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NetworkFormat {
    Graphml,
    Gexf,
    /// Edges in one CSV file, nodes in another beside it.
    Csv,
}

impl NetworkFormat {
    pub fn extension(self) -> &'static str {
        match self {
            NetworkFormat::Graphml => "graphml",
            NetworkFormat::Gexf => "gexf",
            NetworkFormat::Csv => "csv",
        }
    }
}

/// Which cells make the network.
#[derive(Debug, Clone)]
pub struct Filters {
    /// The least favor-or-against evidence a cell needs.
    pub min_evidence: usize,
    /// Only holders of these actor types (`person`, `organisation`, `country`…); empty: all.
    pub actor_types: Vec<String>,
    /// Leave out rare actors: those with fewer mentions in the corpus (actors.csv), as holders and as targets.
    pub min_mentions: usize,
    /// The period of the cells (`all`, or a period of `run --period`: `2021-06`, `2021-W24`, `2021-06-16`).
    pub period: String,
}

impl Default for Filters {
    fn default() -> Filters {
        Filters { min_evidence: 1, actor_types: Vec::new(), min_mentions: 0, period: crate::aggregate::ALL.to_string() }
    }
}

/// A node: an actor, or (two-mode) a target.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// `actor:ID` or `target:ID`, so that an actor that is also a target is two nodes of a two-mode network.
    pub id: String,
    pub label: String,
    /// `actor` or `target`.
    pub mode: &'static str,
    /// The actor type, or the target's (an actor type, `topic` or `issue`).
    pub node_type: String,
    /// Mentions in the corpus (actors; 0 for targets that are not actors).
    pub mentions: usize,
}

/// An edge with its weight and what it is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub source: String,
    pub target: String,
    pub weight: f64,
    pub n_favor: usize,
    pub n_against: usize,
    pub n_neutral: usize,
    /// Two-mode: the cell's mean score; empty for actor networks.
    pub score: Option<f64>,
    /// Two-mode: the cell's stance; actor networks: the targets that link them, separated by `|` (a target twice
    /// where both of its sides count).
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub mode: Mode,
    pub directed: bool,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// One stances.csv cell, as the network reads it.
struct Cell {
    actor_id: String,
    actor: String,
    actor_type: String,
    target_id: String,
    target: String,
    target_type: String,
    n_favor: usize,
    n_against: usize,
    n_neutral: usize,
    score: f64,
    stance: String,
}

/// Builds the network of `run`'s stances.csv.
pub fn build(run: &FinishedRun, mode: Mode, filters: &Filters) -> anyhow::Result<Network> {
    if !run.has("stances") {
        anyhow::bail!("{}: no stances table (the run was made without the stance stage)", run.dir.display());
    }
    let mut mentions: BTreeMap<String, usize> = BTreeMap::new();
    if run.has("actors") {
        for row in run.rows("actors")? {
            let row = row?;
            mentions.insert(row.get("actor_id").to_string(), row.count("n_mentions"));
        }
    }
    let mut cells = Vec::new();
    let mut periods: BTreeSet<String> = BTreeSet::new();
    for row in run.rows("stances")? {
        let row = row?;
        if row.get("period") != crate::aggregate::ALL && !periods.contains(row.get("period")) {
            periods.insert(row.get("period").to_string());
        }
        let cell = Cell {
            actor_id: row.get("actor_id").to_string(),
            actor: row.get("actor").to_string(),
            actor_type: row.get("actor_type").to_string(),
            target_id: row.get("target_id").to_string(),
            target: row.get("target").to_string(),
            target_type: row.get("target_type").to_string(),
            n_favor: row.count("n_favor"),
            n_against: row.count("n_against"),
            n_neutral: row.count("n_neutral"),
            score: row.number("score"),
            stance: row.get("stance").to_string(),
        };
        // A target that is no actor (an issue, a topic) has no mentions to count.
        let frequent = |id: &str| mentions.get(id).is_none_or(|n| *n >= filters.min_mentions);
        let kept = row.get("period") == filters.period
            && cell.n_favor + cell.n_against >= filters.min_evidence.max(1)
            && (filters.actor_types.is_empty() || filters.actor_types.contains(&cell.actor_type))
            && mentions.get(&cell.actor_id).copied().unwrap_or(0) >= filters.min_mentions
            && frequent(&cell.target_id);
        if kept {
            cells.push(cell);
        }
    }
    if filters.period != crate::aggregate::ALL && !periods.contains(&filters.period) {
        let known: Vec<&str> = periods.iter().map(String::as_str).collect();
        anyhow::bail!(
            "{}: no period {} in stances.csv; it has {}",
            run.dir.display(),
            filters.period,
            if known.is_empty() { "none (run with --period to have them)".to_string() } else { known.join(", ") }
        );
    }
    let actor_node = |cell: &Cell| Node {
        id: format!("actor:{}", cell.actor_id),
        label: cell.actor.clone(),
        mode: "actor",
        node_type: cell.actor_type.clone(),
        mentions: mentions.get(&cell.actor_id).copied().unwrap_or(0),
    };
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut edges = Vec::new();
    match mode {
        Mode::TwoMode => {
            for cell in &cells {
                let actor = actor_node(cell);
                let target = Node {
                    id: format!("target:{}", cell.target_id),
                    label: cell.target.clone(),
                    mode: "target",
                    node_type: cell.target_type.clone(),
                    mentions: mentions.get(&cell.target_id).copied().unwrap_or(0),
                };
                edges.push(Edge {
                    source: actor.id.clone(),
                    target: target.id.clone(),
                    weight: (cell.n_favor + cell.n_against) as f64,
                    n_favor: cell.n_favor,
                    n_against: cell.n_against,
                    n_neutral: cell.n_neutral,
                    score: Some(cell.score),
                    label: cell.stance.clone(),
                });
                nodes.entry(actor.id.clone()).or_insert(actor);
                nodes.entry(target.id.clone()).or_insert(target);
            }
        }
        Mode::Congruence | Mode::Conflict => {
            // Per target, who is for and who against it (an ambivalent actor on both sides).
            let mut sides: BTreeMap<&str, (Vec<&Cell>, Vec<&Cell>)> = BTreeMap::new();
            for cell in &cells {
                let side = sides.entry(cell.target_id.as_str()).or_default();
                if cell.n_favor > 0 {
                    side.0.push(cell);
                }
                if cell.n_against > 0 {
                    side.1.push(cell);
                }
            }
            // (actor, actor) -> the targets that link them, the pair's ids in order.
            let mut links: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
            let mut link = |a: &Cell, b: &Cell, target: &str| {
                if a.actor_id == b.actor_id {
                    return;
                }
                let (x, y) = if a.actor_id < b.actor_id { (a, b) } else { (b, a) };
                links.entry((x.actor_id.clone(), y.actor_id.clone())).or_default().push(target.to_string());
            };
            for (favor, against) in sides.values() {
                match mode {
                    Mode::Congruence => {
                        for side in [favor, against] {
                            for (i, a) in side.iter().enumerate() {
                                for b in &side[i + 1..] {
                                    link(a, b, a.target.as_str());
                                }
                            }
                        }
                    }
                    _ => {
                        for a in favor {
                            for b in against {
                                link(a, b, a.target.as_str());
                            }
                        }
                    }
                }
            }
            let linked: BTreeSet<&str> = links.keys().flat_map(|(a, b)| [a.as_str(), b.as_str()]).collect();
            for cell in cells.iter().filter(|c| linked.contains(c.actor_id.as_str())) {
                let actor = actor_node(cell);
                nodes.entry(actor.id.clone()).or_insert(actor);
            }
            for ((a, b), targets) in links {
                edges.push(Edge {
                    source: format!("actor:{a}"),
                    target: format!("actor:{b}"),
                    weight: targets.len() as f64,
                    n_favor: 0,
                    n_against: 0,
                    n_neutral: 0,
                    score: None,
                    label: targets.join("|"),
                });
            }
        }
    }
    Ok(Network { mode, directed: mode == Mode::TwoMode, nodes: nodes.into_values().collect(), edges })
}

/// Writes `network` to `path` (CSV: the edges there, the nodes in `<stem>.nodes.csv` beside it); returns the
/// files written.
pub fn write(network: &Network, format: NetworkFormat, path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    match format {
        NetworkFormat::Graphml => write_through(path, |out| graphml(network, out)).map(|p| vec![p]),
        NetworkFormat::Gexf => write_through(path, |out| gexf(network, out)).map(|p| vec![p]),
        NetworkFormat::Csv => {
            let nodes_path = path.with_extension("nodes.csv");
            let edges = write_through(path, |out| edges_csv(network, out))?;
            let nodes = write_through(&nodes_path, |out| nodes_csv(network, out))?;
            Ok(vec![edges, nodes])
        }
    }
}

/// Writes a file through its staging path, so that a failed write leaves no half file.
fn write_through(path: &Path, body: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<PathBuf> {
    let partial = staging_path(path);
    let file = std::fs::File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
    let mut out = std::io::BufWriter::new(file);
    body(&mut out).with_context(|| format!("cannot write {}", partial.display()))?;
    out.flush().with_context(|| format!("cannot write {}", partial.display()))?;
    crate::output::move_into_place(&partial, path)?;
    Ok(path.to_path_buf())
}

/// Text as XML character data or an attribute value; characters XML 1.0 forbids are left out.
fn xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// A weight as written: whole numbers without a fraction.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.3}")
    }
}

fn graphml(network: &Network, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    for (id, of, name, kind) in [
        ("label", "node", "label", "string"),
        ("mode", "node", "mode", "string"),
        ("type", "node", "type", "string"),
        ("mentions", "node", "mentions", "int"),
        ("weight", "edge", "weight", "double"),
        ("n_favor", "edge", "n_favor", "int"),
        ("n_against", "edge", "n_against", "int"),
        ("n_neutral", "edge", "n_neutral", "int"),
        ("score", "edge", "score", "double"),
        ("stance", "edge", edge_label_name(network.mode), "string"),
    ] {
        writeln!(out, r#"  <key id="{id}" for="{of}" attr.name="{name}" attr.type="{kind}"/>"#)?;
    }
    let direction = if network.directed { "directed" } else { "undirected" };
    writeln!(out, r#"  <graph id="{}" edgedefault="{direction}">"#, network.mode.name())?;
    for node in &network.nodes {
        writeln!(out, r#"    <node id="{}">"#, xml(&node.id))?;
        writeln!(out, r#"      <data key="label">{}</data>"#, xml(&node.label))?;
        writeln!(out, r#"      <data key="mode">{}</data>"#, node.mode)?;
        writeln!(out, r#"      <data key="type">{}</data>"#, xml(&node.node_type))?;
        writeln!(out, r#"      <data key="mentions">{}</data>"#, node.mentions)?;
        writeln!(out, "    </node>")?;
    }
    for (index, edge) in network.edges.iter().enumerate() {
        writeln!(out, r#"    <edge id="e{index}" source="{}" target="{}">"#, xml(&edge.source), xml(&edge.target))?;
        writeln!(out, r#"      <data key="weight">{}</data>"#, number(edge.weight))?;
        if let Some(score) = edge.score {
            writeln!(out, r#"      <data key="n_favor">{}</data>"#, edge.n_favor)?;
            writeln!(out, r#"      <data key="n_against">{}</data>"#, edge.n_against)?;
            writeln!(out, r#"      <data key="n_neutral">{}</data>"#, edge.n_neutral)?;
            writeln!(out, r#"      <data key="score">{score:.3}</data>"#)?;
        }
        writeln!(out, r#"      <data key="stance">{}</data>"#, xml(&edge.label))?;
        writeln!(out, "    </edge>")?;
    }
    writeln!(out, "  </graph>\n</graphml>")?;
    Ok(())
}

/// The name of the edges' text attribute: the stance (two-mode), or the targets that link two actors.
fn edge_label_name(mode: Mode) -> &'static str {
    match mode {
        Mode::TwoMode => "stance",
        Mode::Congruence | Mode::Conflict => "targets",
    }
}

fn gexf(network: &Network, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<gexf xmlns="http://gexf.net/1.3" version="1.3">"#)?;
    writeln!(
        out,
        "  <meta>\n    <creator>stancemap {}</creator>\n    <description>{} network of a stancemap run</description>\n  </meta>",
        env!("CARGO_PKG_VERSION"),
        network.mode.name()
    )?;
    let direction = if network.directed { "directed" } else { "undirected" };
    writeln!(out, r#"  <graph mode="static" defaultedgetype="{direction}">"#)?;
    writeln!(out, r#"    <attributes class="node">"#)?;
    for (id, name, kind) in [("0", "mode", "string"), ("1", "type", "string"), ("2", "mentions", "integer")] {
        writeln!(out, r#"      <attribute id="{id}" title="{name}" type="{kind}"/>"#)?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, r#"    <attributes class="edge">"#)?;
    for (id, name, kind) in [
        ("0", "n_favor", "integer"),
        ("1", "n_against", "integer"),
        ("2", "n_neutral", "integer"),
        ("3", "score", "double"),
        ("4", edge_label_name(network.mode), "string"),
    ] {
        writeln!(out, r#"      <attribute id="{id}" title="{name}" type="{kind}"/>"#)?;
    }
    writeln!(out, "    </attributes>")?;
    writeln!(out, "    <nodes>")?;
    for node in &network.nodes {
        writeln!(
            out,
            r#"      <node id="{}" label="{}"><attvalues><attvalue for="0" value="{}"/><attvalue for="1" value="{}"/><attvalue for="2" value="{}"/></attvalues></node>"#,
            xml(&node.id),
            xml(&node.label),
            node.mode,
            xml(&node.node_type),
            node.mentions
        )?;
    }
    writeln!(out, "    </nodes>\n    <edges>")?;
    for (index, edge) in network.edges.iter().enumerate() {
        write!(
            out,
            r#"      <edge id="{index}" source="{}" target="{}" weight="{}"><attvalues>"#,
            xml(&edge.source),
            xml(&edge.target),
            number(edge.weight)
        )?;
        if let Some(score) = edge.score {
            write!(
                out,
                r#"<attvalue for="0" value="{}"/><attvalue for="1" value="{}"/><attvalue for="2" value="{}"/><attvalue for="3" value="{score:.3}"/>"#,
                edge.n_favor, edge.n_against, edge.n_neutral
            )?;
        }
        writeln!(out, r#"<attvalue for="4" value="{}"/></attvalues></edge>"#, xml(&edge.label))?;
    }
    writeln!(out, "    </edges>\n  </graph>\n</gexf>")?;
    Ok(())
}

fn edges_csv(network: &Network, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    let label = edge_label_name(network.mode);
    let kind = if network.directed { "Directed" } else { "Undirected" };
    // Gephi's spreadsheet import reads Source, Target, Type and Weight by these names.
    csv.write_record(["Source", "Target", "Type", "Weight", "n_favor", "n_against", "n_neutral", "score", label])?;
    for edge in &network.edges {
        let counts = |n: usize| if edge.score.is_some() { n.to_string() } else { String::new() };
        csv.write_record([
            edge.source.as_str(),
            &edge.target,
            kind,
            &number(edge.weight),
            &counts(edge.n_favor),
            &counts(edge.n_against),
            &counts(edge.n_neutral),
            &edge.score.map_or(String::new(), |s| format!("{s:.3}")),
            &crate::output::FormulaGuard::On.apply(&edge.label),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

fn nodes_csv(network: &Network, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["Id", "Label", "mode", "type", "mentions"])?;
    for node in &network.nodes {
        let guard = crate::output::FormulaGuard::On;
        csv.write_record([
            node.id.as_str(),
            &guard.apply(&node.label),
            node.mode,
            &node.node_type,
            &node.mentions.to_string(),
        ])?;
    }
    csv.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{FormulaGuard, Style, Table};

    /// A run folder with these stances.csv rows (actor, type, target, period, favor, against, neutral, stance)
    /// and an actors.csv.
    /// (actor, actor type, target, period, favor, against, neutral, stance).
    type TestCell = (&'static str, &'static str, &'static str, &'static str, usize, usize, usize, &'static str);

    fn run(cells: &[TestCell]) -> (tempfile::TempDir, FinishedRun) {
        let dir = tempfile::tempdir().unwrap();
        let style = Style { format: crate::output::Format::Csv, guard: FormulaGuard::On };
        Table::create(dir.path(), "articles.csv", &["article_id"], style).unwrap().finish().unwrap();
        let mut stances =
            Table::create(dir.path(), "stances.csv", crate::output::schema::STANCE_COLUMNS, style).unwrap();
        let mut actors = BTreeSet::new();
        for (actor, actor_type, target, period, favor, against, neutral, stance) in cells {
            actors.insert((actor.to_string(), actor_type.to_string()));
            let n = (favor + against + neutral).to_string();
            let score = format!("{:.3}", (*favor as f64 - *against as f64) / (favor + against + neutral) as f64);
            let row = [
                actor.to_string(),
                actor.to_uppercase(),
                actor_type.to_string(),
                target.to_string(),
                target.to_uppercase(),
                "issue".into(),
                period.to_string(),
                n,
                favor.to_string(),
                against.to_string(),
                neutral.to_string(),
                stance.to_string(),
                score,
                String::new(),
                String::new(),
                "1".into(),
                String::new(),
            ];
            stances.row(row).unwrap();
        }
        stances.finish().unwrap();
        let mut table = Table::create(dir.path(), "actors.csv", crate::output::schema::ACTOR_COLUMNS, style).unwrap();
        for (i, (actor, actor_type)) in actors.iter().enumerate() {
            table.row([actor, &actor.to_uppercase(), actor_type, "", "", "", "1", &(i + 10).to_string()]).unwrap();
        }
        table.finish().unwrap();
        let run = FinishedRun::open(dir.path()).unwrap();
        (dir, run)
    }

    const CELLS: &[TestCell] = &[
        ("ann", "person", "wall", "all", 3, 0, 1, "favor"),
        ("bob", "person", "wall", "all", 2, 0, 0, "favor"),
        ("cia", "organisation", "wall", "all", 0, 2, 0, "against"),
        ("ann", "person", "tax", "all", 0, 1, 0, "against"),
        ("bob", "person", "tax", "all", 1, 0, 0, "favor"),
        ("cia", "organisation", "tax", "all", 1, 1, 0, "mixed"),
        ("dan", "person", "tax", "all", 0, 0, 4, "neutral"),
        ("ann", "person", "wall", "2021-06", 3, 0, 1, "favor"),
    ];

    #[test]
    fn two_mode_edges_are_the_cells_with_a_stance() {
        let (_dir, run) = run(CELLS);
        let network = build(&run, Mode::TwoMode, &Filters::default()).unwrap();
        // Dan's only cell is neutral: no edge, no node. The 2021-06 row is another period.
        assert_eq!(network.edges.len(), 6);
        let ann_wall = network.edges.iter().find(|e| e.source == "actor:ann" && e.target == "target:wall").unwrap();
        assert_eq!((ann_wall.weight, ann_wall.n_favor, ann_wall.n_neutral), (3.0, 3, 1));
        assert_eq!(ann_wall.label, "favor");
        assert!(network.nodes.iter().all(|n| n.id != "actor:dan"));
        let ann = network.nodes.iter().find(|n| n.id == "actor:ann").unwrap();
        assert_eq!((ann.label.as_str(), ann.mentions), ("ANN", 10));
        let filtered = Filters { min_evidence: 2, actor_types: vec!["person".into()], ..Filters::default() };
        let network = build(&run, Mode::TwoMode, &filtered).unwrap();
        let pairs: Vec<(&str, &str)> = network.edges.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
        assert_eq!(pairs, [("actor:ann", "target:wall"), ("actor:bob", "target:wall")]);
        // Actor ids get 10, 11, 12, 13 mentions in order (ann, bob, cia, dan): at least 11 leaves Ann out.
        let frequent = Filters { min_mentions: 11, ..Filters::default() };
        let network = build(&run, Mode::TwoMode, &frequent).unwrap();
        assert!(network.edges.iter().all(|e| e.source != "actor:ann") && network.edges.len() == 4);
        let june = Filters { period: "2021-06".into(), ..Filters::default() };
        assert_eq!(build(&run, Mode::TwoMode, &june).unwrap().edges.len(), 1);
        let unknown = Filters { period: "1999-01".into(), ..Filters::default() };
        let error = build(&run, Mode::TwoMode, &unknown).unwrap_err().to_string();
        assert!(error.contains("no period 1999-01") && error.contains("it has 2021-06"), "{error}");
    }

    #[test]
    fn congruence_and_conflict_count_the_targets_two_actors_share_a_side_on() {
        let (_dir, run) = run(CELLS);
        let congruence = build(&run, Mode::Congruence, &Filters::default()).unwrap();
        let edges: Vec<(&str, &str, f64, &str)> = congruence
            .edges
            .iter()
            .map(|e| (e.source.as_str(), e.target.as_str(), e.weight, e.label.as_str()))
            .collect();
        // Ann and Bob both favor the wall; on the tax they part (Ann against, Bob for), and the CIA, with a
        // sentence for it and one against, shares a side with each of them there.
        let expected = [
            ("actor:ann", "actor:bob", 1.0, "WALL"),
            ("actor:ann", "actor:cia", 1.0, "TAX"),
            ("actor:bob", "actor:cia", 1.0, "TAX"),
        ];
        assert_eq!(edges, expected);
        let conflict = build(&run, Mode::Conflict, &Filters::default()).unwrap();
        let edges: Vec<(&str, &str, f64)> =
            conflict.edges.iter().map(|e| (e.source.as_str(), e.target.as_str(), e.weight)).collect();
        // The wall: the CIA against Ann and Bob; the tax: Ann against Bob, and the CIA against each on one side.
        assert_eq!(
            edges,
            [("actor:ann", "actor:bob", 1.0), ("actor:ann", "actor:cia", 2.0), ("actor:bob", "actor:cia", 2.0)]
        );
        assert!(!conflict.directed);
        assert_eq!(conflict.nodes.len(), 3);
    }

    #[test]
    fn graphml_and_gexf_parse_and_hold_every_node_and_edge() {
        let (dir, run) = run(CELLS);
        let network = build(&run, Mode::TwoMode, &Filters::default()).unwrap();
        for format in [NetworkFormat::Graphml, NetworkFormat::Gexf] {
            let path = dir.path().join(format!("n.{}", format.extension()));
            write(&network, format, &path).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            let document = roxmltree::Document::parse(&text).unwrap();
            let count = |name: &str| document.descendants().filter(|n| n.has_tag_name(name)).count();
            assert_eq!(count("node"), network.nodes.len(), "{format:?}");
            assert_eq!(count("edge"), network.edges.len(), "{format:?}");
        }
        let path = dir.path().join("n.csv");
        let written = write(&network, NetworkFormat::Csv, &path).unwrap();
        assert_eq!(written, [path.clone(), dir.path().join("n.nodes.csv")]);
        let edges = std::fs::read_to_string(&path).unwrap();
        assert!(edges.starts_with("Source,Target,Type,Weight,"), "{edges}");
        assert_eq!(edges.lines().count(), network.edges.len() + 1);
    }

    #[test]
    fn xml_text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(xml("AT&T <\"ja\"> 'x'\u{1}é"), "AT&amp;T &lt;&quot;ja&quot;&gt; &apos;x&apos;é");
    }
}
