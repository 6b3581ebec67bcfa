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
            AppendPolicies(output, list.Aliases);
        }

        Member("policies");
        AppendPolicies(output, list.Policies);
        output.Append(first ? "}\n" : "\n}\n");
        return output.ToString();
    }

    /// <summary>The list with its policies and aliases in canonical (ordinal) order.</summary>
    public static PolicyList Sorted(PolicyList list) => list with
    {
        Aliases = [.. list.Aliases.OrderBy(a => a.Name, StringComparer.Ordinal)],
        Policies = [.. list.Policies.OrderBy(p => p.Name, StringComparer.Ordinal)],
    };

    private static void AppendPolicies(StringBuilder output, IReadOnlyList<NamedPolicy> policies)
    {
        if (policies.Count == 0)
        {
            output.Append("{}");
            return;
        }

        output.Append('{');
        string separator = "\n    ";
        foreach (var entry in policies.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            output.Append(separator);
            separator = ",\n    ";
            AppendString(output, entry.Name);
            output.Append(": ");
            AppendPolicy(output, entry.Policy);
        }

        output.Append("\n  }");
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
                foreach (var mx in mxs)
                {
                    output.Append(itemSeparator);
                    itemSeparator = ",\n        ";
                    AppendString(output, mx.Text.ToLowerInvariant());
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
