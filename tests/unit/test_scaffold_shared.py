"""Shared pieces of golden paths: composition, digest, history snapshot and rendering."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from platformctl.core.errors import UsageError
from platformctl.core.scaffold import create, shared, versions


def _golden_root(tmp_path: Path, *, include: str = "[box]") -> Path:
    root = tmp_path / "golden_paths"
    demo = root / "demo"
    (demo / "template").mkdir(parents=True)
    (demo / "copier.yml").write_text(
        "_subdirectory: template\n"
        f"_platformctl_shared: {include}\n"
        "name:\n  type: str\n"
        "port:\n  type: int\n  default: 8080\n"
    )
    (demo / "template" / "README.md.jinja").write_text(
        "# {{ name }}\n{% include '_shared/box/include/snippet.jinja' %}"
    )
    piece = root / "_shared" / "box"
    (piece / "template" / "deploy").mkdir(parents=True)
    (piece / "include").mkdir()
    (piece / "piece.yml").write_text("requires: [name, port]\n")
    (piece / "copier.yml").write_text(
        "box_size:\n  type: int\n  default: 3\nbox_label:\n  default: '{{ name }}-box'\n"
        "  when: false\n"
    )
    (piece / "template" / "deploy" / "box.yaml.jinja").write_text(
        "name: {{ box_label }}\nsize: {{ box_size }}\nport: {{ port }}\n"
    )
    (piece / "include" / "snippet.jinja").write_text("shared snippet for {{ name }}\n")
    return root


def test_composed_entries_lay_the_piece_over_the_template(tmp_path: Path) -> None:
    root = _golden_root(tmp_path)
    entries = {e.rel: e for e in shared.composed_entries(root / "demo")}
    assert set(entries) == {
        "copier.yml",
        "template/README.md.jinja",
        "template/deploy/box.yaml.jinja",
        "_shared/box/piece.yml",
        "_shared/box/copier.yml",
        "_shared/box/include/snippet.jinja",
        "_shared/box/template/deploy/box.yaml.jinja",
    }
    config = entries["copier.yml"].read_bytes().decode()
    assert config.startswith("_subdirectory: template\n")
    assert "\n---\n# Composed from _shared/box/copier.yml\nbox_size:" in config


def test_read_questions_include_the_pieces_questions(tmp_path: Path) -> None:
    root = _golden_root(tmp_path)
    questions, settings = create.read_questions(root / "demo")
    assert list(questions) == ["name", "port", "box_size", "box_label"]
    assert settings["platformctl_shared"] == ["box"]


def test_a_folder_without_pieces_composes_to_itself(tmp_path: Path) -> None:
    root = _golden_root(tmp_path, include="[]")
    folder = root / "demo"
    rels = [e.rel for e in shared.composed_entries(folder)]
    assert rels == ["copier.yml", "template/README.md.jinja"]
    assert shared.composed_template(folder) == folder.resolve()


def test_digest_covers_the_piece(tmp_path: Path) -> None:
    root = _golden_root(tmp_path)
    before = versions.template_digest(root / "demo")
    (root / "_shared" / "box" / "include" / "snippet.jinja").write_text("changed\n")
    assert versions.template_digest(root / "demo") != before


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda root: (
                (root / "demo" / "template" / "deploy").mkdir()
                or (root / "demo" / "template" / "deploy" / "box.yaml.jinja").write_text("own\n")
            ),
            "also has",
        ),
        (
            lambda root: (root / "demo" / "copier.yml").write_text(
                "_subdirectory: template\n_platformctl_shared: [box]\nname: x\nport: 1\n"
                "box_size: 2\n"
            ),
            "also defined by",
        ),
        (
            lambda root: (root / "demo" / "copier.yml").write_text(
                "_subdirectory: template\n_platformctl_shared: [box]\nname: x\n"
            ),
            "does not define port",
        ),
        (
            lambda root: (root / "demo" / "copier.yml").write_text(
                "_platformctl_shared: [box]\nname: x\nport: 1\n"
            ),
            "needs _subdirectory",
        ),
        (
            lambda root: (root / "demo" / "copier.yml").write_text(
                "_subdirectory: template\n_platformctl_shared: [nothere]\nname: x\nport: 1\n"
            ),
            "does not exist",
        ),
        (
            lambda root: (root / "demo" / "copier.yml").write_text(
                "_subdirectory: template\n_platformctl_shared: [../box]\nname: x\nport: 1\n"
            ),
            "invalid shared piece name",
        ),
        (
            lambda root: (root / "_shared" / "box" / "copier.yml").write_text(
                "_tasks: [echo]\nbox_size: 1\n"
            ),
            "only add questions",
        ),
    ],
    ids=[
        "file-clash",
        "question-clash",
        "missing-required",
        "no-subdirectory",
        "unknown-piece",
        "path-piece",
        "piece-settings",
    ],
)
def test_composition_refuses_ambiguity(tmp_path: Path, mutate, message: str) -> None:
    root = _golden_root(tmp_path)
    mutate(root)
    with pytest.raises(UsageError, match=message):
        shared.composed_entries(root / "demo")


def test_history_snapshot_is_the_composed_template(tmp_path: Path) -> None:
    root = _golden_root(tmp_path)
    versions.build_history("demo", root / "demo", root, "1.0.0")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", str(root / "_history" / "demo.bundle"), str(clone)], check=True
    )
    assert (clone / "template" / "deploy" / "box.yaml.jinja").is_file()
    assert (clone / "_shared" / "box" / "include" / "snippet.jinja").is_file()
    assert "box_size" in (clone / "copier.yml").read_text()
    history = versions.load_history(root, "demo")
    assert history is not None and history.latest is not None
    assert history.latest.digest == versions.template_digest(root / "demo")
    # A change in the piece alone makes the history stale (scripts/golden_history.py --check).
    (root / "_shared" / "box" / "template" / "deploy" / "box.yaml.jinja").write_text("x: 1\n")
    assert history.latest.digest != versions.template_digest(root / "demo")


def test_composed_template_renders_with_copier(tmp_path: Path) -> None:
    import copier

    root = _golden_root(tmp_path)
    source = shared.composed_template(root / "demo")
    assert source != (root / "demo").resolve()
    assert shared.composed_template(root / "demo") == source  # cached by content
    dst = tmp_path / "out"
    copier.run_copy(str(source), str(dst), data={"name": "svc"}, defaults=True, quiet=True)
    assert (dst / "README.md").read_text() == "# svc\nshared snippet for svc\n"
    assert (dst / "deploy" / "box.yaml").read_text() == "name: svc-box\nsize: 3\nport: 8080\n"
    assert not (dst / "_shared").exists()


# --- piece options -------------------------------------------------------------------------------


def _with_option(root: Path, *, choose: str | None = "{box: {shape: round}}") -> Path:
    """The box piece gets an option shape=round: drops deploy/box.yaml, adds deploy/round.yaml,
    replaces the include; the demo golden path chooses it (unless ``choose`` is None)."""
    piece = root / "_shared" / "box"
    value = piece / "options" / "shape" / "round"
    (value / "template" / "deploy").mkdir(parents=True)
    (value / "include").mkdir()
    (value / "option.yml").write_text(
        "description: round boxes\ndrop: [template/deploy/box.yaml.jinja]\n"
    )
    (value / "template" / "deploy" / "round.yaml.jinja").write_text("round: {{ box_label }}\n")
    (value / "include" / "snippet.jinja").write_text("round snippet for {{ name }}\n")
    if choose is not None:
        config = root / "demo" / "copier.yml"
        config.write_text(
            config.read_text().replace(
                "_platformctl_shared: [box]\n",
                f"_platformctl_shared: [box]\n_platformctl_shared_options: {choose}\n",
            )
        )
    return root


def test_an_option_nobody_chooses_changes_nothing(tmp_path: Path) -> None:
    root = _golden_root(tmp_path)
    before = [(e.rel, e.read_bytes()) for e in shared.composed_entries(root / "demo")]
    digest = versions.template_digest(root / "demo")
    _with_option(root, choose=None)
    after = [(e.rel, e.read_bytes()) for e in shared.composed_entries(root / "demo")]
    assert after == before
    assert versions.template_digest(root / "demo") == digest


def test_a_chosen_option_drops_adds_and_replaces_piece_files(tmp_path: Path) -> None:
    root = _with_option(_golden_root(tmp_path))
    assert shared.options_of(root / "demo") == {"box": {"shape": "round"}}
    entries = {e.rel: e for e in shared.composed_entries(root / "demo")}
    assert set(entries) == {
        "copier.yml",
        "template/README.md.jinja",
        "template/deploy/round.yaml.jinja",
        "_shared/box/piece.yml",
        "_shared/box/copier.yml",
        "_shared/box/include/snippet.jinja",
        "_shared/box/template/deploy/round.yaml.jinja",
    }
    assert entries["_shared/box/include/snippet.jinja"].read_bytes() == (
        b"round snippet for {{ name }}\n"
    )


def test_a_chosen_option_renders_with_copier(tmp_path: Path) -> None:
    import copier

    root = _with_option(_golden_root(tmp_path))
    source = tmp_path / "composed"
    shared.materialize(root / "demo", source)
    dst = tmp_path / "out"
    copier.run_copy(str(source), str(dst), data={"name": "svc"}, defaults=True, quiet=True)
    assert (dst / "README.md").read_text() == "# svc\nround snippet for svc\n"
    assert (dst / "deploy" / "round.yaml").read_text() == "round: svc-box\n"
    assert not (dst / "deploy" / "box.yaml").exists()


@pytest.mark.parametrize(
    ("choose", "message"),
    [
        ("{box: {shape: square}}", "no option shape=square"),
        ("{box: {colour: red}}", "no option colour=red"),
        ("{other: {shape: round}}", "does not include"),
        ("[box]", "must map piece names"),
        ("{box: {shape: ../round}}", "invalid option"),
    ],
    ids=["unknown-value", "unknown-option", "piece-not-included", "not-a-mapping", "path"],
)
def test_option_choices_are_checked(tmp_path: Path, choose: str, message: str) -> None:
    root = _with_option(_golden_root(tmp_path), choose=choose)
    with pytest.raises(UsageError, match=message):
        shared.composed_entries(root / "demo")


def test_an_option_that_drops_a_missing_file_is_refused(tmp_path: Path) -> None:
    root = _with_option(_golden_root(tmp_path))
    option = root / "_shared" / "box" / "options" / "shape" / "round" / "option.yml"
    option.write_text("drop: [template/deploy/gone.yaml.jinja]\n")
    with pytest.raises(UsageError, match="matches no file"):
        shared.composed_entries(root / "demo")


def test_the_gitops_cronjob_option_leaves_python_service_alone() -> None:
    """The shipped piece: python-service does not choose workload=cronjob, so none of the
    option's files are in its composed template; scheduled-job does."""
    golden = Path(__file__).resolve().parents[2] / "golden_paths"
    python_service = {e.rel for e in shared.composed_entries(golden / "python-service")}
    assert not any("options/" in rel or "cronjob" in rel for rel in python_service)
    assert "template/deploy/overlays/dev/patches/hpa.yaml.jinja" in python_service
    job = {e.rel for e in shared.composed_entries(golden / "scheduled-job")}
    assert "template/deploy/overlays/dev/patches/cronjob.yaml.jinja" in job
    assert "_shared/gitops/include/cronjob.jinja" in job
    assert not any(rel.endswith(("hpa.yaml.jinja", "pdb.yaml.jinja")) for rel in job)


def test_the_gitops_consumer_option_composes_only_into_event_consumer() -> None:
    """event-consumer chooses workload=consumer: the ScaledObject patches and the consumer
    macros, no HPA or PDB patches; the other golden paths see none of it."""
    golden = Path(__file__).resolve().parents[2] / "golden_paths"
    consumer = {e.rel for e in shared.composed_entries(golden / "event-consumer")}
    for env in ("dev", "staging", "prod", "preview"):
        assert f"template/deploy/overlays/{env}/patches/scaledobject.yaml.jinja" in consumer
        assert f"template/deploy/overlays/{env}/patches/deployment.yaml.jinja" in consumer
    assert "_shared/gitops/include/consumer.jinja" in consumer
    patches = [rel for rel in consumer if "/patches/" in rel]
    assert not any(rel.endswith(("hpa.yaml.jinja", "pdb.yaml.jinja")) for rel in patches)
    for other in ("python-service", "scheduled-job", "go-service"):
        rels = {e.rel for e in shared.composed_entries(golden / other)}
        assert not any("scaledobject" in rel or "consumer.jinja" in rel for rel in rels), other


def test_the_gitops_airflow_option_composes_only_into_data_pipeline() -> None:
    """data-pipeline chooses workload=airflow: the PodTemplate patches and the airflow macros,
    no Deployment, HPA or PDB patches; the other golden paths see none of it."""
    golden = Path(__file__).resolve().parents[2] / "golden_paths"
    pipeline = {e.rel for e in shared.composed_entries(golden / "data-pipeline")}
    for env in ("dev", "staging", "prod", "preview"):
        assert f"template/deploy/overlays/{env}/patches/pod-template.yaml.jinja" in pipeline
    assert "_shared/gitops/include/airflow.jinja" in pipeline
    patches = [rel for rel in pipeline if "/patches/" in rel]
    assert not any(
        rel.endswith(("deployment.yaml.jinja", "hpa.yaml.jinja", "pdb.yaml.jinja"))
        for rel in patches
    )
    for other in ("python-service", "scheduled-job", "go-service", "event-consumer"):
        rels = {e.rel for e in shared.composed_entries(golden / other)}
        assert not any("pod-template" in rel or "airflow.jinja" in rel for rel in rels), other
