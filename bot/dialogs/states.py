"""Dialog states, declared in groups: `class Registration(StatesGroup): name = State()`."""


class State:
    """One step of a dialog; its name is set by the StatesGroup it is declared in."""

    def __init__(self) -> None:
        self.name = ""

    def __set_name__(self, owner, attr: str) -> None:
        self.name = f"{owner.__name__}:{attr}"

    def __repr__(self) -> str:
        return f"<State {self.name}>"


class StatesGroup:
    """A declared set of dialog states."""

    @classmethod
    def states(cls) -> list[State]:
        return [value for value in vars(cls).values() if isinstance(value, State)]


def state_names(states) -> frozenset[str] | None:
    """The names a `state=` filter accepts: one State, a StatesGroup (any of its states), or several."""
    if states is None:
        return None
    if isinstance(states, State):
        return frozenset({states.name})
    if isinstance(states, type) and issubclass(states, StatesGroup):
        return frozenset(s.name for s in states.states())
    return frozenset(name for each in states for name in state_names(each))
