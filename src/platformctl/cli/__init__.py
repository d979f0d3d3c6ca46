"""The Typer front end: parse arguments, prompt, render. Nothing else."""
