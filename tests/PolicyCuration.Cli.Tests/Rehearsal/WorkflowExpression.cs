using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PolicyCuration.Cli.Tests.Rehearsal;

/// <summary>
/// GitHub Actions expressions (<c>${{ … }}</c>), as far as the workflows use them: context paths, string literals,
/// <c>==</c>, <c>!=</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, parentheses, and the functions <c>always</c>,
/// <c>success</c>, <c>failure</c>, <c>cancelled</c>, <c>fromJSON</c> and <c>toJSON</c>. Anything else is refused,
/// so that a workflow the rehearsal cannot play fails its test rather than being played wrong.
/// </summary>
internal sealed class WorkflowExpression
{
    private readonly string text;
    private readonly Func<string, JsonNode?> context;
    private readonly Func<string, bool> status;
    private int position;

    private WorkflowExpression(string text, Func<string, JsonNode?> context, Func<string, bool> status)
    {
        this.text = text;
        this.context = context;
        this.status = status;
    }

    /// <summary>Evaluates one expression (without its <c>${{ }}</c>).</summary>
    /// <param name="expression">The expression's text.</param>
    /// <param name="context">A named context (github, env, steps, needs, matrix, secrets, runner, job), or null.</param>
    /// <param name="status">The status functions: always, success, failure, cancelled.</param>
    public static JsonNode? Evaluate(string expression, Func<string, JsonNode?> context, Func<string, bool> status)
    {
        var parser = new WorkflowExpression(expression, context, status);
        var value = parser.Or();
        parser.SkipSpace();
        return parser.position == expression.Length ? value : throw parser.Unsupported("unexpected text");
    }

    /// <summary>A string with <c>${{ … }}</c> parts replaced by their values; a string that is one expression keeps its value's type.</summary>
    public static JsonNode? Interpolate(string value, Func<string, JsonNode?> context, Func<string, bool> status)
    {
        string trimmed = value.Trim();
        if (trimmed.StartsWith("${{", StringComparison.Ordinal) && trimmed.EndsWith("}}", StringComparison.Ordinal) && trimmed.IndexOf("${{", 3, StringComparison.Ordinal) < 0)
        {
            return Evaluate(trimmed[3..^2], context, status);
        }

        var result = new StringBuilder();
        int at = 0;
        while (value.IndexOf("${{", at, StringComparison.Ordinal) is var start and >= 0)
        {
            int end = value.IndexOf("}}", start, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new NotSupportedException($"unterminated expression in \"{value}\"");
            }

            result.Append(value, at, start - at).Append(AsString(Evaluate(value[(start + 3)..end], context, status)));
            at = end + 2;
        }

        return JsonValue.Create(result.Append(value, at, value.Length - at).ToString());
    }

    /// <summary>The text GitHub puts in place of a value: strings as they are, null as nothing, the rest as JSON.</summary>
    public static string AsString(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out bool b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue(out double d) => d.ToString(CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };

    /// <summary>GitHub's truthiness: false, 0, "" and null are false.</summary>
    public static bool IsTruthy(JsonNode? value) => value switch
    {
        null => false,
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out string? s) => s.Length > 0,
        JsonValue v when v.TryGetValue(out double d) => d != 0,
        _ => true,
    };

    private JsonNode? Or()
    {
        var left = And();
        while (Take("||"))
        {
            var right = And();
            left = IsTruthy(left) ? left : right;
        }

        return left;
    }

    private JsonNode? And()
    {
        var left = Comparison();
        while (Take("&&"))
        {
            var right = Comparison();
            left = IsTruthy(left) ? right : left;
        }

        return left;
    }

    private JsonNode? Comparison()
    {
        var left = Unary();
        if (Take("=="))
        {
            return JsonValue.Create(Equal(left, Unary()));
        }

        if (Take("!="))
        {
            return JsonValue.Create(!Equal(left, Unary()));
        }

        return left;
    }

    private JsonNode? Unary() => Take("!") ? JsonValue.Create(!IsTruthy(Unary())) : Primary();

    private JsonNode? Primary()
    {
        SkipSpace();
        if (Take("("))
        {
            var inner = Or();
            return Take(")") ? inner : throw Unsupported("expected )");
        }

        if (position < text.Length && text[position] == '\'')
        {
            return JsonValue.Create(StringLiteral());
        }

        string name = Identifier();
        switch (name)
        {
            case "true":
                return JsonValue.Create(true);
            case "false":
                return JsonValue.Create(false);
            case "null":
                return null;
        }

        if (Take("("))
        {
            var arguments = new List<JsonNode?>();
            if (!Take(")"))
            {
                do
                {
                    arguments.Add(Or());
                }
                while (Take(","));
                if (!Take(")"))
                {
                    throw Unsupported("expected ) after the arguments");
                }
            }

            return Call(name, arguments);
        }

        var value = context(name);
        while (Take("."))
        {
            string member = Identifier();
            value = value is JsonObject obj ? obj.FirstOrDefault(p => string.Equals(p.Key, member, StringComparison.OrdinalIgnoreCase)).Value : null;
        }

        return value?.DeepClone();
    }

    private JsonNode? Call(string name, List<JsonNode?> arguments) => (name.ToLowerInvariant(), arguments.Count) switch
    {
        ("always" or "success" or "failure" or "cancelled", 0) => JsonValue.Create(status(name.ToLowerInvariant())),
        ("fromjson", 1) => JsonNode.Parse(AsString(arguments[0])),
        ("tojson", 1) => JsonValue.Create(arguments[0]?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null"),
        _ => throw Unsupported($"the function {name} with {arguments.Count} arguments"),
    };

    private static bool Equal(JsonNode? left, JsonNode? right)
    {
        if (left is JsonValue l && right is JsonValue r && l.TryGetValue(out string? a) && r.TryGetValue(out string? b))
        {
            return string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        }

        return JsonNode.DeepEquals(left, right);
    }

    private string StringLiteral()
    {
        var value = new StringBuilder();
        position++;
        while (position < text.Length)
        {
            char c = text[position++];
            if (c != '\'')
            {
                value.Append(c);
            }
            else if (position < text.Length && text[position] == '\'')
            {
                value.Append('\'');
                position++;
            }
            else
            {
                return value.ToString();
            }
        }

        throw Unsupported("unterminated string");
    }

    private string Identifier()
    {
        SkipSpace();
        int start = position;
        while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] is '_' or '-'))
        {
            position++;
        }

        return position > start ? text[start..position] : throw Unsupported("expected a name");
    }

    private bool Take(string token)
    {
        SkipSpace();
        if (string.CompareOrdinal(text, position, token, 0, token.Length) != 0)
        {
            return false;
        }

        // "!" must not take the first character of "!=".
        if (token == "!" && position + 1 < text.Length && text[position + 1] == '=')
        {
            return false;
        }

        position += token.Length;
        return true;
    }

    private void SkipSpace()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private NotSupportedException Unsupported(string what) =>
        new($"the rehearsal cannot play the expression \"{text}\": {what} at {position}");
}
