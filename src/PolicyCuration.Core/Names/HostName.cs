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

        var text = name.AsSpan();
        if (text.Contains(':') || text[0] == '[')
        {
            return IPAddress.TryParse(name.Trim('[', ']'), out _) ? NameProblem.IpAddress : NameProblem.Port;
        }

        if (!System.Text.Ascii.IsValid(text))
        {
            return NameProblem.NotAscii;
        }

        if (text[^1] == '.' && text.Length > 1 && text[^2] != '.')
        {
            return NameProblem.TrailingDot;
        }

        if (text.Contains('*'))
        {
            return NameProblem.Wildcard;
        }

        int labels = 0;
        bool allDigits = true;
        var problem = NameProblem.None;
        foreach (var range in text.Split('.'))
        {
            var label = text[range];
            labels++;
            if (label.IsEmpty)
            {
                return NameProblem.EmptyLabel;
            }

            allDigits &= !label.ContainsAnyExceptInRange('0', '9');
            if (problem == NameProblem.None)
            {
                problem = CheckLabel(label);
            }
        }

        if (labels == 4 && allDigits)
        {
            return NameProblem.IpAddress;
        }

        if (problem != NameProblem.None)
        {
            return problem;
        }

        if (name.Length > 253)
        {
            return NameProblem.NameTooLong;
        }

        if (labels < 2)
        {
            return NameProblem.SingleLabel;
        }

        foreach (var range in text.Split('.'))
        {
            var label = text[range];
            if (label.Length >= 4 && label[2] == '-' && label[3] == '-')
            {
                var reserved = CheckReservedLabel(label.ToString());
                if (reserved != NameProblem.None)
                {
                    return reserved;
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

    private static NameProblem CheckLabel(ReadOnlySpan<char> label)
    {
        foreach (char c in label)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return NameProblem.InvalidCharacter;
            }
        }

        if (label.Length > 63)
        {
            return NameProblem.LabelTooLong;
        }

        return label[0] == '-' || label[^1] == '-' ? NameProblem.HyphenAtLabelEdge : NameProblem.None;
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
