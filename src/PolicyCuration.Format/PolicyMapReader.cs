using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json;
using PolicyCuration.Format.Json;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Format;

/// <summary>
/// The members of a map of named policies (<c>policies</c> or <c>policy-aliases</c>), read one at a time into the model
/// from a source that <see cref="PolicyListReader"/> has read strictly already. Each walk reads the file again, and
/// reports again what does not fit the model.
/// </summary>
/// <remarks>
/// Each policy is read token by token straight into the model, with no syntax tree, and is not held once the walk
/// moves on: a caller that keeps only what it needs (a map's lines) never has a large list's model whole in memory.
/// </remarks>
public sealed class PolicyMapReader : IEnumerable<NamedPolicy>
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = JsonSyntaxReader.MaxDepth + 1 };

    private readonly SourceText _source;
    private readonly long _offset;
    private readonly Action<long, string> _problem;

    internal PolicyMapReader(SourceText source, long offset, Action<long, string> problem)
    {
        (_source, _offset, _problem) = (source, offset, problem);
    }

    /// <summary>Walks the map from its first member.</summary>
    public IEnumerator<NamedPolicy> GetEnumerator() => new Walk(this);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Utf8JsonReader lives on the stack only: the walk keeps its state and place between members and makes a reader for each.
    private sealed class Walk(PolicyMapReader map) : IEnumerator<NamedPolicy>
    {
        private long _at = map._offset;
        private JsonReaderState _state = new(Options);
        private bool _started;

        public NamedPolicy Current { get; private set; } = null!;

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            if (_at < 0)
            {
                return false;
            }

            var reader = new Utf8JsonReader(map._source.Bytes.Span[(int)_at..], isFinalBlock: true, _state);
            if (!_started)
            {
                _started = reader.Read();
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
            {
                _at = -1;
                return false;
            }

            long nameAt = _at + reader.TokenStartIndex;
            string name = reader.GetString()!;
            reader.Read();
            Current = new NamedPolicy(name, ReadPolicy(ref reader, _at, name, map._problem), nameAt);
            (_at, _state) = (_at + reader.BytesConsumed, reader.CurrentState);
            return true;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }

    private static Policy ReadPolicy(ref Utf8JsonReader reader, long baseOffset, string name, Action<long, string> problem)
    {
        long offset = baseOffset + reader.TokenStartIndex;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            problem(offset, $"the policy of \"{name}\" must be an object");
            reader.Skip();
            return new Policy { Offset = offset };
        }

        PolicyMode? mode = null;
        MxPattern[]? mxs = null;
        string? alias = null;
        long mxsOffset = -1, aliasOffset = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            long memberAt = baseOffset + reader.TokenStartIndex;
            bool isMode = reader.ValueTextEquals("mode"u8), isMxs = reader.ValueTextEquals("mxs"u8), isAlias = reader.ValueTextEquals("policy-alias"u8);
            string? unknown = isMode || isMxs || isAlias ? null : reader.GetString();
            reader.Read();
            long valueAt = baseOffset + reader.TokenStartIndex;
            bool isString = reader.TokenType == JsonTokenType.String;
            if (isMode && isString && PolicyModeNames.Parse(reader.GetString()!) is { } parsed)
            {
                mode = parsed;
            }
            else if (isMxs && reader.TokenType == JsonTokenType.StartArray)
            {
                mxsOffset = valueAt;
                mxs = ReadPatterns(ref reader, baseOffset, name, problem);
            }
            else if (isAlias && isString)
            {
                alias = reader.GetString();
                aliasOffset = valueAt;
            }
            else
            {
                problem(memberAt, $"\"{unknown ?? (isMode ? "mode" : isMxs ? "mxs" : "policy-alias")}\" of \"{name}\" is not a valid policy member");
                reader.Skip();
            }
        }

        return new Policy { Mode = mode, Mxs = mxs, Alias = alias, Offset = offset, MxsOffset = mxsOffset, AliasOffset = aliasOffset };
    }

    // An array with a non-string item is left out whole, so that no rule judges half of it.
    private static MxPattern[]? ReadPatterns(ref Utf8JsonReader reader, long baseOffset, string name, Action<long, string> problem)
    {
        // Most policies name one to three patterns: they are gathered on the stack, not in a list per policy.
        var few = default(FewPatterns);
        Span<MxPattern> patterns = few;
        int count = 0;
        bool allStrings = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            long itemAt = baseOffset + reader.TokenStartIndex;
            if (reader.TokenType != JsonTokenType.String)
            {
                problem(itemAt, $"an MX pattern of \"{name}\" must be a string");
                allStrings = false;
                reader.Skip();
                continue;
            }

            if (count == patterns.Length)
            {
                var more = new MxPattern[count * 2];
                patterns.CopyTo(more);
                patterns = more;
            }

            patterns[count++] = new MxPattern(reader.GetString()!, itemAt);
        }

        return allStrings ? patterns[..count].ToArray() : null;
    }

    [InlineArray(4)]
    private struct FewPatterns
    {
        private MxPattern _first;
    }
}
