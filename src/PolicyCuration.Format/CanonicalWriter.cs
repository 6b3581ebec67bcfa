using System.Text;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Format;

/// <summary>Writes a list in its one canonical form, which defines what <c>policyctl fmt</c> produces.</summary>
/// <remarks>
/// The layout is EFF's (Python's <c>json.dumps(indent=2)</c>: two-space indent, <c>": "</c>, non-ASCII as
/// <c>\uXXXX</c>), with the keys of <c>policies</c> and <c>policy-aliases</c> sorted ordinally, MX patterns lower-cased in
/// the author's order, and a final newline.
/// </remarks>
public static class CanonicalWriter
{
    /// <summary>The canonical text of <paramref name="list"/>.</summary>
    public static string Write(PolicyList list)
    {
        var output = new TextSink(new StringBuilder(64 + (list.Policies.Count * 96)));
        Emit(list, output);
        return output.Text.ToString();
    }

    /// <summary>The byte offset where <paramref name="actual"/> first differs from the canonical UTF-8 text of <paramref name="list"/>, or null when it is canonical.</summary>
    /// <remarks>Compares the canonical text an entry at a time with the file, so that it is never held or encoded whole.</remarks>
    public static long? FirstDifference(PolicyList list, ReadOnlyMemory<byte> actual)
    {
        var comparison = new ComparingSink(actual);
        Emit(list, comparison);
        comparison.Checkpoint();
        return comparison.Difference ?? (comparison.Offset == actual.Length ? null : comparison.Offset);
    }

    /// <summary>Writes the canonical text to <paramref name="output"/>, stopping early when a checkpoint says so.</summary>
    private static void Emit(PolicyList list, CanonicalSink output)
    {
        output.Append('{');
        bool first = true;
        void Member(string name)
        {
            output.Append(first ? "\n  " : ",\n  ");
            first = false;
            AppendString(output, name);
            output.Append(": ");
        }

        if (list.Timestamp is { } timestamp)
        {
            Member("timestamp");
            AppendTime(output, timestamp);
        }

        if (list.Expires is { } expires)
        {
            Member("expires");
            AppendTime(output, expires);
        }

        if (list.Version is { } version)
        {
            Member("version");
            AppendString(output, version);
        }

        if (list.Author is { } author)
        {
            Member("author");
            AppendString(output, author);
        }

        if (list.HasAliasSection || list.Aliases.Count > 0)
        {
            Member("policy-aliases");
            if (!AppendPolicies(output, list.Aliases))
            {
                return;
            }
        }

        Member("policies");
        if (!AppendPolicies(output, list.Policies))
        {
            return;
        }

        output.Append(first ? "}\n" : "\n}\n");
    }

    private static bool AppendPolicies(CanonicalSink output, IReadOnlyList<NamedPolicy> policies)
    {
        if (policies.Count == 0)
        {
            output.Append("{}");
            return true;
        }

        output.Append('{');
        string separator = "\n    ";
        foreach (var entry in InOrder(policies))
        {
            output.Append(separator);
            separator = ",\n    ";
            AppendString(output, entry.Name);
            output.Append(": ");
            AppendPolicy(output, entry.Policy);
            if (!output.Checkpoint())
            {
                return false;
            }
        }

        output.Append("\n  }");
        return true;
    }

    private static IReadOnlyList<NamedPolicy> InOrder(IReadOnlyList<NamedPolicy> policies)
    {
        // Lists are usually kept sorted: checking is cheaper than sorting again.
        for (int i = 1; i < policies.Count; i++)
        {
            if (string.CompareOrdinal(policies[i - 1].Name, policies[i].Name) > 0)
            {
                return [.. policies.OrderBy(p => p.Name, StringComparer.Ordinal)];
            }
        }

        return policies;
    }

    private static void AppendPolicy(CanonicalSink output, Policy policy)
    {
        string separator = "{\n      ";
        if (policy.Mode is { } mode)
        {
            output.Append(separator).Append("\"mode\": ");
            AppendString(output, mode.ToJson());
            separator = ",\n      ";
        }

        if (policy.Mxs is { } mxs)
        {
            output.Append(separator).Append("\"mxs\": ");
            separator = ",\n      ";
            if (mxs.Count == 0)
            {
                output.Append("[]");
            }
            else
            {
                output.Append('[');
                string itemSeparator = "\n        ";
                for (int i = 0; i < mxs.Count; i++)
                {
                    output.Append(itemSeparator);
                    itemSeparator = ",\n        ";
                    string text = mxs[i].Text;
                    AppendString(output, text.AsSpan().ContainsAnyInRange('A', 'Z') || !Ascii.IsValid(text) ? text.ToLowerInvariant() : text);
                }

                output.Append("\n      ]");
            }
        }

        if (policy.Alias is { } alias)
        {
            output.Append(separator).Append("\"policy-alias\": ");
            AppendString(output, alias);
            separator = ",\n      ";
        }

        output.Append(separator == "{\n      " ? "{}" : "\n    }");
    }

    private static void AppendTime(CanonicalSink output, ListTime time)
    {
        if (time.IsNumber)
        {
            output.Append(time.Text);
        }
        else
        {
            AppendString(output, time.Text);
        }
    }

    private static void AppendString(CanonicalSink output, string value)
    {
        output.Append('"');
        var text = value.AsSpan();
        if (!text.ContainsAnyExceptInRange(' ', '~') && !text.ContainsAny('"', '\\'))
        {
            output.Append(text).Append('"');
            return;
        }

        foreach (char c in value)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\n': output.Append("\\n"); break;
                case '\r': output.Append("\\r"); break;
                case '\t': output.Append("\\t"); break;
                case '\b': output.Append("\\b"); break;
                case '\f': output.Append("\\f"); break;
                case < ' ' or > '~':
                    output.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture).AsSpan());
                    break;
                default: output.Append(c); break;
            }
        }

        output.Append('"');
    }

    /// <summary>Where canonical text goes, piece by piece.</summary>
    private abstract class CanonicalSink
    {
        public abstract CanonicalSink Append(ReadOnlySpan<char> text);

        public CanonicalSink Append(string text) => Append(text.AsSpan());

        public CanonicalSink Append(char c) => Append(new ReadOnlySpan<char>(in c));

        /// <summary>Called after each entry; false when nothing more is wanted.</summary>
        public abstract bool Checkpoint();
    }

    /// <summary>Collects the text.</summary>
    private sealed class TextSink(StringBuilder text) : CanonicalSink
    {
        public StringBuilder Text { get; } = text;

        public override CanonicalSink Append(ReadOnlySpan<char> text)
        {
            Text.Append(text);
            return this;
        }

        public override bool Checkpoint() => true;
    }

    /// <summary>Compares the text with a file's bytes an entry at a time, and notes the first difference.</summary>
    private sealed class ComparingSink(ReadOnlyMemory<byte> actual) : CanonicalSink
    {
        private char[] _pending = new char[1024];
        private int _length;

        /// <summary>The bytes of canonical text compared so far.</summary>
        public long Offset { get; private set; }

        /// <summary>The offset of the first differing byte, once found.</summary>
        public long? Difference { get; private set; }

        public override CanonicalSink Append(ReadOnlySpan<char> text)
        {
            if (_length + text.Length > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _length + text.Length));
            }

            text.CopyTo(_pending.AsSpan(_length));
            _length += text.Length;
            return this;
        }

        /// <summary>Compares the text appended since the last checkpoint.</summary>
        public override bool Checkpoint()
        {
            var text = _pending.AsSpan(0, _length);
            _length = 0;
            if (Difference is not null || text.IsEmpty)
            {
                return Difference is null;
            }

            var rest = actual.Span[(int)Math.Min(Offset, actual.Length)..];
            if (Ascii.IsValid(text))
            {
                // Canonical text is ASCII (the writer escapes strings; only a number built in code could be
                // otherwise), one byte per character: compared where it stands, without encoding.
                if (rest.Length >= text.Length && Ascii.Equals(rest[..text.Length], text))
                {
                    Offset += text.Length;
                    return true;
                }

                int common = 0;
                while (common < text.Length && common < rest.Length && rest[common] == text[common])
                {
                    common++;
                }

                Difference = Offset + common;
                return false;
            }

            byte[] expected = Encoding.UTF8.GetBytes(text.ToArray());
            int same = rest.CommonPrefixLength(expected);
            if (same < expected.Length)
            {
                Difference = Offset + same;
                return false;
            }

            Offset += expected.Length;
            return true;
        }
    }
}
