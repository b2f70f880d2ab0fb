import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planner.adr_export import adr_write, plan_adrs
from planner.document import plan_document
from planner.markdown import plan_markdown
from planner.models import Project
from planner.pdf import render_pdf


class Command(BaseCommand):
    help = "Export a plan as its JSON plan document, Markdown, a PDF report or ADRs (MADR)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project", type=int, help="The project's id.")
        parser.add_argument("--format", choices=["json", "md", "pdf", "adr"], default="json")
        parser.add_argument(
            "-o",
            "--output",
            help="File to write (stdout when omitted); for adr, the directory of the records.",
        )

    def handle(self, *args, **options) -> None:
        project = Project.objects.filter(pk=options["project"]).first()
        if project is None:
            raise CommandError(f"No project with id {options['project']}.", returncode=2)
        document = plan_document(project)
        fmt, output = options["format"], options["output"]
        if fmt == "pdf":
            if not output:
                raise CommandError("A PDF needs a file: pass -o FILE.", returncode=2)
            Path(output).write_bytes(render_pdf(document))
            return
        if fmt == "adr":
            if not output:
                raise CommandError("ADRs need a directory: pass -o DIR.", returncode=2)
            files = plan_adrs(project.team, document)
            adr_write(files, Path(output))
            self.stdout.write(f"Wrote {len(files) - 1} decision records and README.md to {output}.")
            return
        if fmt == "md":
            text = plan_markdown(document)
        else:
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
