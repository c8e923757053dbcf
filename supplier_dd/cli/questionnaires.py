"""`supplier-dd questionnaires check|list`: validate the versioned questionnaire definitions."""

from __future__ import annotations

import click


@click.group("questionnaires", help="Check the versioned questionnaire definitions.")
def questionnaires_group():
    pass


@questionnaires_group.command(
    "check",
    help="Validate every definition (schema, conditions, weights, ids), the recommendations "
         "beside them, and their published locks.",
)
def check():
    from supplier_dd.domain.questionnaire import check_all_definitions, definition_files
    from supplier_dd.domain.recommendations import (
        check_recommendation_files,
        recommendation_files,
    )

    files = definition_files()
    problems = check_all_definitions() + check_recommendation_files()
    if problems:
        for problem in problems:
            click.echo(f"  - {problem}", err=True)
        raise click.ClickException(
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in "
            f"{len(files)} questionnaire definition{'s' if len(files) != 1 else ''}."
        )
    click.echo(f"{len(files)} questionnaire definition{'s' if len(files) != 1 else ''} OK: "
               + ", ".join(files + recommendation_files()))


@questionnaires_group.command("list", help="List definitions with their status and size.")
def list_definitions():
    from supplier_dd.domain.questionnaire import definition_files, load_questionnaire

    for path in definition_files():
        folder, _, name = path.partition("/")
        questionnaire = load_questionnaire(folder, int(name[1:].removesuffix(".toml")))
        click.echo(f"{path}: {questionnaire.status}, {len(questionnaire.sections)} sections, "
                   f"{len(questionnaire.questions)} questions")


COMMANDS = [questionnaires_group]
