using System.CommandLine;
using PolicyCuration.Validation.Rendering;
using PolicyCuration.Validation.Schema;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Cli.Commands;

/// <summary>Options that several commands share, and how their values are read.</summary>
internal static partial class CommonOptions
{
    /// <summary>The list this repository curates, relative to its root.</summary>
    public const string DefaultList = "policy/policy.json";

    /// <summary>The schema, relative to the repository's root.</summary>
    public const string DefaultSchema = "schema/policy.schema.json";

    /// <summary>The list file argument; absent, it is <see cref="DefaultList"/> (said in its description, not as a parser default, which the root help would glue to the command's examples).</summary>
    public static Argument<string?> ListFile() => new("FILE")
    {
        Description = $"The list to read (default: {DefaultList})",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>
    /// Takes out of every description of <paramref name="command"/> and its subcommands the "(default: …)" of an option the
    /// help already shows with "[default: X]"; where the default comes from an environment variable, the description keeps
    /// only that ("$POLICYCTL_SMTP_PORT when set"), so that no option shows two defaults.
    /// </summary>
    public static void DropRepeatedDefaults(Command command)
    {
        foreach (var option in command.Options.Where(o => o.HasDefaultValue && o.Description is not null))
        {
            string text = FromEnvironment().Replace(option.Description!, "($1 when set)");
            option.Description = StatedDefault().Replace(text, string.Empty);
        }

        foreach (var sub in command.Subcommands)
        {
            DropRepeatedDefaults(sub);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\(default: (\$[A-Z_]+)(?:, else [^)]*)?\)")]
    private static partial System.Text.RegularExpressions.Regex FromEnvironment();

    [System.Text.RegularExpressions.GeneratedRegex(@"\s*\(default: [^)]*\)")]
    private static partial System.Text.RegularExpressions.Regex StatedDefault();

    public static Option<string?> Schema() => new("--schema")
    {
        Description = $"The JSON Schema to validate against (default: {DefaultSchema}, else the copy shipped with policyctl)",
    };

    public static Option<string> Format(params string[] formats)
    {
        var option = new Option<string>("--format")
        {
            Description = $"Output format: {string.Join(", ", formats)}",
            DefaultValueFactory = _ => formats[0],
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }

    public static Option<string?> Now() => new("--now")
    {
        Description = "The clock for expiry checks, RFC 3339 (default: the current time)",
    };

    /// <summary>How many domains one pull request may touch: <c>--max-domains</c>, else <c>$POLICYCTL_MAX_DOMAINS</c> (the repository variable), else 20.</summary>
    public static Option<int> MaxDomains()
    {
        var option = new Option<int>("--max-domains")
        {
            Description = $"The most domains one pull request may add, change or remove; over it nothing is looked up or probed (default: $POLICYCTL_MAX_DOMAINS, else {Review.ReviewRequest.DefaultMaxDomains})",
            DefaultValueFactory = _ => Setting("POLICYCTL_MAX_DOMAINS") is { } text && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out int n) ? n : Review.ReviewRequest.DefaultMaxDomains,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--max-domains: give a whole number of at least 1");
            }
        });
        return option;
    }

    /// <summary>GitHub's API: <c>--api-url</c>, else <c>$GITHUB_API_URL</c> (which Actions sets, for GitHub Enterprise too), else api.github.com.</summary>
    public static Option<string> ApiUrl() => new("--api-url")
    {
        Description = "The GitHub API's base URL (default: $GITHUB_API_URL, else https://api.github.com/)",
        DefaultValueFactory = _ => Setting("GITHUB_API_URL") ?? "https://api.github.com/",
    };

    /// <summary>The value of the environment variable <paramref name="name"/>; null when unset or empty.</summary>
    public static string? Setting(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    public static FindingFormat ParseFormat(string text) => text switch
    {
        "json" => FindingFormat.Json,
        "github" => FindingFormat.GitHub,
        _ => FindingFormat.Text,
    };

    /// <summary>Loads the schema: the given file, else the repository's, else the one shipped beside the program.</summary>
    public static PolicySchema LoadSchema(string? path)
    {
        if (path is not null)
        {
            return PolicySchema.Load(path);
        }

        string shipped = Path.Combine(AppContext.BaseDirectory, DefaultSchema);
        return PolicySchema.Load(File.Exists(DefaultSchema) ? DefaultSchema : shipped);
    }

    /// <summary>Parses <c>--now</c>; null when absent.</summary>
    /// <exception cref="ArgumentException">The text is not an RFC 3339 date-time.</exception>
    public static DateTimeOffset ParseNow(string? text)
    {
        if (text is null)
        {
            return DateTimeOffset.UtcNow;
        }

        return new ListTime(text, false).Value
            ?? throw new ArgumentException($"--now {text}: not an RFC 3339 date-time such as 2026-11-28T00:00:00Z");
    }

    /// <summary>A domain name from the command line, lower case and without a final dot.</summary>
    /// <exception cref="ArgumentException">Not a domain name.</exception>
    public static string DomainName(string domain)
    {
        string name = domain.Trim().TrimEnd('.').ToLowerInvariant();
        return name.Length is > 0 and <= 253 && Uri.CheckHostName(name) == UriHostNameType.Dns
            ? name
            : throw new ArgumentException($"\"{domain}\" is not a domain name");
    }
}
