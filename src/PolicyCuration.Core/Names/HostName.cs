using System.Globalization;
using System.Net;

namespace PolicyCuration.Core.Names;

/// <summary>Checks of host names as the list writes them: ASCII, LDH labels, IDNs as valid A-labels.</summary>
public static class HostName
{
    private static readonly IdnMapping Idna = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>The first problem of <paramref name="name"/> as a host name (case is not a problem here).</summary>
    public static NameProblem Check(string name)
    {
        if (name.Length == 0)
        {
            return NameProblem.Empty;
        }

        if (name.Contains(':') || name.StartsWith('['))
        {
            return IPAddress.TryParse(name.Trim('[', ']'), out _) ? NameProblem.IpAddress : NameProblem.Port;
        }

        if (!name.All(char.IsAscii))
        {
            return NameProblem.NotAscii;
        }

        if (name.EndsWith('.') && name.Length > 1 && name[^2] != '.')
        {
            return NameProblem.TrailingDot;
        }

        if (name.Contains('*'))
        {
            return NameProblem.Wildcard;
        }

        string[] labels = name.Split('.');
        if (labels.Any(l => l.Length == 0))
        {
            return NameProblem.EmptyLabel;
        }

        if (labels.Length == 4 && labels.All(l => l.All(char.IsAsciiDigit)))
        {
            return NameProblem.IpAddress;
        }

        foreach (string label in labels)
        {
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return NameProblem.InvalidCharacter;
            }

            if (label.Length > 63)
            {
                return NameProblem.LabelTooLong;
            }

            if (label.StartsWith('-') || label.EndsWith('-'))
            {
                return NameProblem.HyphenAtLabelEdge;
            }
        }

        if (name.Length > 253)
        {
            return NameProblem.NameTooLong;
        }

        if (labels.Length < 2)
        {
            return NameProblem.SingleLabel;
        }

        foreach (string label in labels)
        {
            if (label.Length >= 4 && label[2] == '-' && label[3] == '-')
            {
                var problem = CheckReservedLabel(label);
                if (problem != NameProblem.None)
                {
                    return problem;
                }
            }
        }

        return NameProblem.None;
    }

    /// <summary>The A-label form of a name written with Unicode characters, or null when it has none.</summary>
    public static string? ToAscii(string name)
    {
        try
        {
            return Idna.GetAscii(name.TrimEnd('.')).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The Unicode form of an A-label name, for messages; the name itself when it cannot be decoded.</summary>
    public static string ToUnicode(string name)
    {
        try
        {
            return Idna.GetUnicode(name);
        }
        catch (ArgumentException)
        {
            return name;
        }
    }

    private static NameProblem CheckReservedLabel(string label)
    {
        // RFC 5891 4.2.3.1: "??--" labels are reserved; only "xn--" has a meaning, and it must round-trip.
        if (!label.StartsWith("xn--", StringComparison.OrdinalIgnoreCase))
        {
            return NameProblem.InvalidIdna;
        }

        string unicode;
        try
        {
            unicode = Idna.GetUnicode(label.ToLowerInvariant());
            if (!string.Equals(Idna.GetAscii(unicode), label, StringComparison.OrdinalIgnoreCase) || unicode.All(char.IsAscii))
            {
                return NameProblem.InvalidIdna;
            }
        }
        catch (ArgumentException)
        {
            return NameProblem.InvalidIdna;
        }

        return Scripts.AreMixed(unicode) ? NameProblem.MixedScript : NameProblem.None;
    }
}
