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
    /// <remarks>Compares each piece of canonical text with the file as it is written, so that the canonical text is never held or encoded whole.</remarks>
    public static long? FirstDifference(PolicyList list, ReadOnlyMemory<byte> actual)
    {
        var comparison = new ComparingSink(actual);
        Emit(list, comparison);
        return comparison.Difference ?? (comparison.Offset == actual.Length ? null : comparison.Offset);
    }

    /// <summary>Writes the canonical text to <paramref name="output"/>, stopping early once the sink has seen enough.</summary>
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
            if (output.Done)
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
        /// <summary>Whether nothing more is wanted.</summary>
        public abstract bool Done { get; }

        public abstract CanonicalSink Append(ReadOnlySpan<char> text);

        public CanonicalSink Append(string text) => Append(text.AsSpan());

        public CanonicalSink Append(char c) => Append(new ReadOnlySpan<char>(in c));
    }

    /// <summary>Collects the text.</summary>
    private sealed class TextSink(StringBuilder text) : CanonicalSink
    {
        public StringBuilder Text { get; } = text;

        public override bool Done => false;

        public override CanonicalSink Append(ReadOnlySpan<char> text)
        {
            Text.Append(text);
            return this;
        }
    }

    /// <summary>Compares the text with a file's bytes as it comes, and notes the first difference.</summary>
    private sealed class ComparingSink(ReadOnlyMemory<byte> actual) : CanonicalSink
    {
        private byte[] _encoded = new byte[256];

        /// <summary>The bytes of canonical text compared so far.</summary>
        public long Offset { get; private set; }

        /// <summary>The offset of the first differing byte, once found.</summary>
        public long? Difference { get; private set; }

        public override bool Done => Difference is not null;

        public override CanonicalSink Append(ReadOnlySpan<char> text)
        {
            if (Difference is not null)
            {
                return this;
            }

            var rest = actual.Span[(int)Math.Min(Offset, actual.Length)..];
            if (Ascii.IsValid(text))
            {
                // Most text is ASCII, one byte per character: compared where it stands, without encoding.
                if (rest.Length >= text.Length && Ascii.Equals(rest[..text.Length], text))
                {
                    Offset += text.Length;
                    return this;
                }

                int common = 0;
                while (common < text.Length && common < rest.Length && rest[common] == text[common])
                {
                    common++;
                }

                Difference = Offset + common;
                return this;
            }

            int most = Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_encoded.Length < most)
            {
                _encoded = new byte[most];
            }

            var expected = _encoded.AsSpan(0, Encoding.UTF8.GetBytes(text, _encoded));
            int same = rest.CommonPrefixLength(expected);
            if (same < expected.Length)
            {
                Difference = Offset + same;
            }
            else
            {
                Offset += expected.Length;
            }

            return this;
        }
    }
}
