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
        var output = new StringBuilder(64 + (list.Policies.Count * 96));
        Emit(list, output, _ => true);
        return output.ToString();
    }

    /// <summary>The byte offset where <paramref name="actual"/> first differs from the canonical UTF-8 text of <paramref name="list"/>, or null when it is canonical.</summary>
    /// <remarks>Compares entry by entry, so that neither the whole canonical text nor its encoding is held at once.</remarks>
    public static long? FirstDifference(PolicyList list, ReadOnlyMemory<byte> actual)
    {
        long offset = 0;
        long? difference = null;
        var pending = new StringBuilder(4096);
        byte[] expected = new byte[4096];
        Emit(list, pending, chunk =>
        {
            foreach (var part in chunk.GetChunks())
            {
                int most = Encoding.UTF8.GetMaxByteCount(part.Length);
                if (expected.Length < most)
                {
                    expected = new byte[most];
                }

                int length = Encoding.UTF8.GetBytes(part.Span, expected);
                var remaining = actual.Span[(int)Math.Min(offset, actual.Length)..];
                int common = remaining.CommonPrefixLength(expected.AsSpan(0, length));
                if (common < length)
                {
                    difference = offset + common;
                    return false;
                }

                offset += length;
            }

            chunk.Clear();
            return true;
        });
        return difference ?? (offset == actual.Length ? null : offset);
    }

    /// <summary>Appends the canonical text to <paramref name="output"/>, handing it to <paramref name="flush"/> after each entry; stops when that returns false.</summary>
    private static void Emit(PolicyList list, StringBuilder output, Func<StringBuilder, bool> flush)
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
            if (!AppendPolicies(output, list.Aliases, flush))
            {
                return;
            }
        }

        Member("policies");
        if (!AppendPolicies(output, list.Policies, flush))
        {
            return;
        }

        output.Append(first ? "}\n" : "\n}\n");
        flush(output);
    }

    private static bool AppendPolicies(StringBuilder output, IReadOnlyList<NamedPolicy> policies, Func<StringBuilder, bool> flush)
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
            if (!flush(output))
            {
                return false;
            }
        }

        output.Append("\n  }");
        return true;
    }

    private static IEnumerable<NamedPolicy> InOrder(IReadOnlyList<NamedPolicy> policies)
    {
        // Lists are usually kept sorted: checking is cheaper than sorting again.
        for (int i = 1; i < policies.Count; i++)
        {
            if (string.CompareOrdinal(policies[i - 1].Name, policies[i].Name) > 0)
            {
                return policies.OrderBy(p => p.Name, StringComparer.Ordinal);
            }
        }

        return policies;
    }

    private static void AppendPolicy(StringBuilder output, Policy policy)
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
                    AppendString(output, mxs[i].Text.ToLowerInvariant());
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

    private static void AppendTime(StringBuilder output, ListTime time)
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

    private static void AppendString(StringBuilder output, string value)
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
                    output.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default: output.Append(c); break;
            }
        }

        output.Append('"');
    }
}
