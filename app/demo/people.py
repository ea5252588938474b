"""Chinese names and mobile numbers, unique within one demo, from a seeded generator."""

from app.demo.catalog import GIVEN, MOBILE_PREFIXES, SURNAMES


class People:
    def __init__(self, rng):
        self.rng = rng
        self._names = set()
        self._phones = set()

    def name(self):
        while True:
            given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self._names:
                self._names.add(name)
                return name

    def phone(self):
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def caller(self):
        """How an agent notes a caller who is not an account holder: 王先生, 李女士."""
        return self.rng.choice(SURNAMES) + self.rng.choice(("先生", "女士", "师傅"))
