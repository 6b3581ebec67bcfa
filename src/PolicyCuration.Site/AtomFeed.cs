using System.Text;
using System.Xml;
using PolicyCuration.Format.Model;
using PolicyCuration.Site.Status;

namespace PolicyCuration.Site;

/// <summary>The Atom feed of the list's changes (RFC 4287), newest first, at most <see cref="MaxEntries"/>.</summary>
internal static class AtomFeed
{
    /// <summary>The most entries in the feed.</summary>
    public const int MaxEntries = 200;

    public static byte[] Write(SiteContent site)
    {
        var settings = site.Settings;
        string Url(string path) => settings.BaseUrl is { } baseUrl ? new Uri(baseUrl, path).AbsoluteUri : path;
        string id = settings.BaseUrl?.AbsoluteUri ?? "urn:policycuration:site";
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CheckCharacters = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", "http://www.w3.org/2005/Atom");
            xml.WriteElementString("title", Clean(settings.Title + ": changes"));
            xml.WriteElementString("id", id + (id.EndsWith('/') ? string.Empty : "/") + "feed.atom");
            xml.WriteElementString("updated", SiteTime.Instant(site.Changes.Count > 0 ? site.Changes[0].Time : settings.Now));
            Link(xml, Url("feed.atom"), "self");
            Link(xml, Url("index.html"), "alternate");
            xml.WriteStartElement("author");
            xml.WriteElementString("name", Clean(settings.Title));
            xml.WriteEndElement();
            foreach (var change in site.Changes.Take(MaxEntries))
            {
                xml.WriteStartElement("entry");
                string mode = change.Mode is { } m ? $" ({m.ToJson()})" : string.Empty;
                xml.WriteElementString("title", Clean($"{change.Domain} {change.KindName}{mode}"));
                xml.WriteElementString("id", $"urn:policycuration:change:{change.Commit}:{Uri.EscapeDataString(change.Domain.ToLowerInvariant())}:{change.KindName}");
                xml.WriteElementString("updated", SiteTime.Instant(change.Time));
                if (change.Kind != ChangeKind.Removed && SiteContent.IsSafeName(change.Domain))
                {
                    Link(xml, Url(site.PageOf(change.Domain)), "alternate");
                }

                xml.WriteElementString("summary", Clean($"{change.Domain} was {change.KindName}{mode} by commit {change.Commit[..Math.Min(12, change.Commit.Length)]}."));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return buffer.ToArray();
    }

    private static void Link(XmlWriter xml, string href, string rel)
    {
        xml.WriteStartElement("link");
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    /// <summary>Text XML can carry: characters XML 1.0 forbids become U+FFFD (the writer escapes the rest).</summary>
    private static string Clean(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (int i = 0; i < source.Length; i++)
        {
            char c = source[i];
            bool pair = char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]);
            bool allowed = c is '\t' or '\n' or '\r' || (c >= ' ' && !char.IsSurrogate(c) && c is not ('\uFFFE' or '\uFFFF'));
            span[i] = allowed || pair || (char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(source[i - 1])) ? c : '\uFFFD';
        }
    });
}
