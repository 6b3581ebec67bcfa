using System.Globalization;
using System.Net;

namespace PolicyCuration.Validation.Names;

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

        // One pass over the characters notes everything the checks below need, in the order they report.
        bool colon = false, star = false, nonAscii = false, emptyLabel = false, allDigits = true, reserved = false;
        var labelProblem = NameProblem.None;
        int labels = 0, labelStart = 0;
        for (int i = 0; i <= name.Length; i++)
        {
            char c = i < name.Length ? name[i] : '.';
            if (c != '.')
            {
                colon |= c == ':';
                star |= c == '*';
                nonAscii |= c > '\x7f';
                continue;
            }

            if (i == name.Length && i > 0 && name[i - 1] == '.' && labels > 0)
            {
                break; // a trailing dot ends the name rather than starting an empty last label
            }

            var label = name.AsSpan(labelStart, i - labelStart);
            labels++;
            labelStart = i + 1;
            if (label.IsEmpty)
            {
                emptyLabel = true;
                continue;
            }

            allDigits &= !label.ContainsAnyExceptInRange('0', '9');
            reserved |= label.Length >= 4 && label[2] == '-' && label[3] == '-';
            if (labelProblem == NameProblem.None)
            {
                labelProblem = CheckLabel(label);
            }
        }

        if (colon || name[0] == '[')
        {
            return IPAddress.TryParse(name.Trim('[', ']'), out _) ? NameProblem.IpAddress : NameProblem.Port;
        }

        if (nonAscii)
        {
            return NameProblem.NotAscii;
        }

        if (name[^1] == '.' && name.Length > 1 && name[^2] != '.')
        {
            return NameProblem.TrailingDot;
        }

        if (star)
        {
            return NameProblem.Wildcard;
        }

        if (emptyLabel || name[^1] == '.')
        {
            return NameProblem.EmptyLabel;
        }

        if (labels == 4 && allDigits)
        {
            return NameProblem.IpAddress;
        }

        if (labelProblem != NameProblem.None)
        {
            return labelProblem;
        }

        if (name.Length > 253)
        {
            return NameProblem.NameTooLong;
        }

        if (labels < 2)
        {
            return NameProblem.SingleLabel;
        }

        return reserved ? CheckReservedLabels(name) : NameProblem.None;
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

    private static NameProblem CheckReservedLabels(string name)
    {
        foreach (string label in name.Split('.'))
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
