"""`f0care texts`: every text key and the text in force, after config.yaml's overrides."""

from __future__ import annotations

import json

import click

from dialogs.templates import LANGUAGES
from f0care.cli.common import load
from f0care.config.texts import texts_in_force


def register(main: click.Group) -> None:
    main.add_command(texts)


@click.command()
@click.option("--lang", "languages", type=click.Choice(LANGUAGES), multiple=True, help="only this language")
@click.pass_context
def texts(ctx: click.Context, languages: tuple[str, ...]) -> None:
    """List the text keys and the texts in force, as YAML that can go under `texts:` in config.yaml."""
    config = load(ctx)
    overridden = {"vi": config.texts.vi, "en": config.texts.en}
    for language, templates in texts_in_force(config.texts).items():
        if languages and language not in languages:
            continue
        click.echo(f"{language}:")
        for key, text in templates.items():
            if key in overridden[language]:
                click.echo("  # from config.yaml")
            click.echo(f"  {key}: {json.dumps(text, ensure_ascii=False)}")
