"""``python manage.py sample_round ROUND_CODE [--seed N] [--dry-run]``: draw a round's points and print the draw."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from evaluation.models import Round
from evaluation.services import round_draw, round_sample


class Command(BaseCommand):
    help = (
        "Draw a planned round's points: N per point type (per street if the round says so), from the candidates "
        "ordered by code, with the seed given or a new one. The candidates and the seed are recorded, so that the "
        "same seed gives the same points. A round already drawn prints its recorded draw unless a new seed is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("code", help="The round's code.")
        parser.add_argument("--seed", type=int, help="The seed of the draw; default: the recorded one, or a new one.")
        parser.add_argument("--dry-run", action="store_true", help="Print the draw without saving it.")

    def handle(self, *args, code: str, seed: int | None = None, dry_run: bool = False, **options) -> None:
        round_ = Round.objects.filter(code=code).first()
        if round_ is None:
            raise CommandError(f"No round has the code {code}.")
        try:
            if dry_run or (round_.sampled_at and seed in (None, round_.seed)):
                draw = round_draw(round_=round_, seed=seed)
                saved = False
            else:
                draw = round_sample(round_=round_, seed=seed)
                saved = True
        except ApplicationError as error:
            raise CommandError(error.message) from None
        candidates = sum(len(codes) for codes in draw.candidates.values())
        self.stdout.write(
            f"{round_.code} seed={draw.seed}: {len(draw.drawn)} points from {candidates} candidates "
            f"in {len(draw.candidates)} strata" + ("" if saved else " (not saved)")
        )
        for index, (stratum, place_code) in enumerate(draw.drawn, start=1):
            self.stdout.write(f"{index:>5}  {stratum:<24} {place_code}")
