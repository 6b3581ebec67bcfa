namespace PolicyCuration.Site;

/// <summary>What the site is called, where it and the repository live, and the time it is built at.</summary>
/// <param name="Title">The site's name, in every page's title and header.</param>
/// <param name="BaseUrl">The site's absolute address, for the feed's links; null writes them relative.</param>
/// <param name="RepositoryUrl">The list's repository on the web, for "change this entry" links; null leaves them out.</param>
/// <param name="ListPath">The list's path in the repository.</param>
/// <param name="Now">The build's time: the timeline ends on its day.</param>
public sealed record SiteSettings(string Title, Uri? BaseUrl, string? RepositoryUrl, string ListPath, DateTimeOffset Now);
