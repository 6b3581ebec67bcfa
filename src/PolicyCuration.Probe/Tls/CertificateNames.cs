using System.Security.Cryptography.X509Certificates;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Probe.Tls;

/// <summary>The DNS names of a certificate and how they match host names and MX patterns (RFC 6125).</summary>
public static class CertificateNames
{
    /// <summary>The subjectAltName DNS names, lower case; the common name only when there are none, as Postfix does.</summary>
    public static IReadOnlyList<string> Of(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames().Select(n => n.TrimEnd('.').ToLowerInvariant()));
            }
        }

        if (names.Count == 0)
        {
            string cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (!string.IsNullOrEmpty(cn))
            {
                names.Add(cn.TrimEnd('.').ToLowerInvariant());
            }
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Whether the certificate name <paramref name="name"/> is valid for <paramref name="host"/>: equal, or a whole-label <c>*.</c> wildcard.</summary>
    public static bool Matches(string name, string host)
    {
        host = host.TrimEnd('.');
        if (!name.StartsWith("*.", StringComparison.Ordinal))
        {
            return string.Equals(name, host, StringComparison.OrdinalIgnoreCase);
        }

        string suffix = name[1..];
        return host.Length > suffix.Length
            && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
            && host.IndexOf('.') == host.Length - suffix.Length;
    }

    /// <summary>Whether the certificate name <paramref name="name"/> fits the MX pattern: a host the pattern covers, or the wildcard that is the pattern.</summary>
    public static bool Covers(string name, MxPattern pattern)
    {
        if (name.StartsWith("*.", StringComparison.Ordinal))
        {
            return pattern.IsSuffix
                ? string.Equals(name[1..], pattern.Text, StringComparison.OrdinalIgnoreCase)
                : Matches(name, pattern.Text);
        }

        return pattern.Matches(name);
    }
}
