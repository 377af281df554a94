"""A small schemaless GraphQL executor for the NerdGraph double.

Queries are parsed by graphql-core (the reference implementation's parser); the double then walks
the operation's selection set over plain Python data:

* an object is a dict; its `__typename` decides which inline fragments and fragment spreads apply
  (also any name in its `__implements__`, for interfaces such as `EntityOutline`);
* a field whose value is callable takes the field's arguments (variables substituted);
* fields are merged the way the GraphQL spec's CollectFields does (a `terms` selected at the top and
  again inside `... on AlertsNrqlStaticCondition` gives one `terms` with both selections);
* a field the object does not have is an error naming its path (`UnimplementedError`), unless the
  object is marked `__lenient__`: then it answers null and the path is kept in `null_fields`
  (entities have hundreds of fields, of which the provider reads a handful).
"""

from collections.abc import Callable, Mapping
from typing import Any

from graphql import GraphQLError, Undefined, parse
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.utilities import value_from_ast_untyped

# How deep a response may nest; the client's deepest query (an entity) is about 8 levels.
MAX_DEPTH = 32


class UnimplementedError(Exception):
    """A field or operation the double does not model; `path` names it."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class RefusalError(Exception):
    """A GraphQL error the API would answer (validation, not found): goes to `errors`."""

    def __init__(self, message: str, extensions: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = dict(extensions or {})


class BadQueryError(Exception):
    """A request that is not a parsable GraphQL document with one operation."""


def parse_operation(
    query: str, operation_name: str | None
) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]]:
    """The operation to run and the document's fragments, or BadQueryError."""
    try:
        document: DocumentNode = parse(query)
    except GraphQLError as error:
        raise BadQueryError(f"GraphQL syntax error: {error.message}") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        raise BadQueryError(f"expected exactly one operation, found {len(operations)}")
    return operations[0], fragments


def top_level_fields(operation: OperationDefinitionNode) -> list[str]:
    """The operation's top-level field names (what the request log names it by)."""
    return [s.name.value for s in operation.selection_set.selections if isinstance(s, FieldNode)]


class Executor:
    """Runs one operation over a root object; see the module docstring."""

    def __init__(
        self,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self._fragments = fragments
        self._variables = dict(variables)
        self.null_fields: list[str] = []
        self.errors: list[dict[str, Any]] = []

    def run(
        self, operation: OperationDefinitionNode, root: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """(data, errors): a refused field is null, its error names its path."""
        collected = self._collect([operation.selection_set], root)
        data = {key: self._field(root, key, nodes, []) for key, nodes in collected.items()}
        return data, self.errors

    def _collect(
        self, selection_sets: list[SelectionSetNode], node: Mapping[str, Any]
    ) -> dict[str, list[FieldNode]]:
        out: dict[str, list[FieldNode]] = {}
        pending = list(selection_sets)
        seen = 0
        while pending:
            seen += 1
            if seen > 10_000:
                raise BadQueryError("selection set too large")
            selection_set = pending.pop(0)
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    out.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if condition is None or _applies(condition.name.value, node):
                        pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self._fragments.get(selection.name.value)
                    if fragment is None:
                        raise BadQueryError(f"unknown fragment {selection.name.value}")
                    if _applies(fragment.type_condition.name.value, node):
                        pending.append(fragment.selection_set)
        return out

    def _field(
        self, node: Mapping[str, Any], key: str, nodes: list[FieldNode], path: list[str]
    ) -> Any:
        name = nodes[0].name.value
        here = [*path, key]
        if len(here) > MAX_DEPTH:
            raise BadQueryError("query nests too deep")
        if name == "__typename":
            return node.get("__typename")
        if name in node:
            value = node[name]
        elif node.get("__lenient__"):
            self.null_fields.append(".".join(here))
            return None
        else:
            raise UnimplementedError(".".join(here))
        if callable(value):
            try:
                value = value(self._arguments(nodes[0]))
            except RefusalError as refusal:
                self.errors.append(
                    {"message": refusal.message, "path": here, "extensions": refusal.extensions}
                )
                return None
        return self._value(value, nodes, here)

    def _value(self, value: Any, nodes: list[FieldNode], path: list[str]) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            return [self._value(item, nodes, path) for item in value]
        selection_sets = [n.selection_set for n in nodes if n.selection_set is not None]
        if isinstance(value, Mapping) and selection_sets:
            collected = self._collect(selection_sets, value)
            return {
                key: self._field(value, key, field_nodes, path)
                for key, field_nodes in collected.items()
            }
        if isinstance(value, Mapping):  # a JSON scalar (no selection): as it is, minus markers
            return {k: v for k, v in value.items() if not k.startswith("__")}
        return value

    def _arguments(self, node: FieldNode) -> dict[str, Any]:
        arguments = {
            argument.name.value: value_from_ast_untyped(argument.value, self._variables)
            for argument in node.arguments
        }
        return {key: _defined(value) for key, value in arguments.items()}


def _defined(value: Any) -> Any:
    """An argument with its absent variables (graphql-core's Undefined) as None."""
    if value is Undefined:
        return None
    if isinstance(value, dict):
        return {key: _defined(item) for key, item in value.items() if item is not Undefined}
    if isinstance(value, list):
        return [_defined(item) for item in value]
    return value


def _applies(type_name: str, node: Mapping[str, Any]) -> bool:
    return type_name == node.get("__typename") or type_name in node.get("__implements__", ())


Resolver = Callable[[dict[str, Any]], Any]
