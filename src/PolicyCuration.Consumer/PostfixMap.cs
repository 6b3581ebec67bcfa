using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;
using PolicyCuration.Format.Json;
using PolicyCuration.Format.Model;

namespace PolicyCuration.Consumer;

/// <summary>A list that cannot be turned into a Postfix map; the message names the domain or the place, and why.</summary>
public sealed class MapRefusedException(string message) : Exception(message);

/// <summary>The policy lines of a map and the expiry of the list they came from.</summary>
/// <param name="Parts">One line per domain, UTF-8, in consecutive parts (rendered side by side).</param>
/// <param name="Expires">The list's <c>expires</c>, to be checked against the signed manifest's.</param>
public sealed record PostfixMapLines(IReadOnlyList<ReadOnlyMemory<byte>> Parts, ListTime? Expires)
{
    /// <summary>The lines as one array, after <paramref name="header"/>.</summary>
    public byte[] ToArray(ReadOnlySpan<byte> header)
    {
        var bytes = new byte[header.Length + Parts.Sum(p => p.Length)];
        header.CopyTo(bytes);
        int at = header.Length;
        foreach (var part in Parts)
        {
            part.Span.CopyTo(bytes.AsSpan(at));
            at += part.Length;
        }

        return bytes;
    }
}

/// <summary>
/// The Postfix <c>smtp_tls_policy_maps</c> table of a list: <c>domain secure match=p1:p2</c> for each enforced domain,
/// testing domains as comments (or enforced with early adoption), aliases resolved, in the list's order.
/// </summary>
/// <remarks>
/// The lines are written straight from the list's bytes, with no model in between: the consumer runs on every mail
/// server from cron, on lists of hundreds of thousands of domains, and this is most of its work. The list is read as
/// strictly as the curation tools read it (strict JSON, no duplicate keys, only the format's members in a policy);
/// anything it cannot follow refuses the whole map, since a map that silently drops a policy is worse than none.
/// </remarks>
public static class PostfixMap
{
    private const int MaxDepth = 32;
    private const int MaxTokenBytes = 64 * 1024;

    // Below this many bytes of policies, cutting them into parts costs more than it saves.
    private const int ParallelFrom = 1 << 20;

    private const byte Plain = 0, Upper = 1, Other = 2;

    // Bytes Postfix's table syntax gives a meaning to: a name or pattern holding one would change the policy.
    private static readonly SearchValues<byte> Reserved = SearchValues.Create(":, \t\r\n#"u8);


    // For each byte: copied as is, lowered, or not plain printable ASCII or reserved (the careful way decides).
    private static readonly byte[] ByteClasses = ClassifyBytes();

    /// <summary>The policy lines of the list in <paramref name="list"/>, and its expiry.</summary>
    /// <exception cref="MapRefusedException">The list cannot be followed, a policy has no MX pattern or names an unknown alias.</exception>
    public static PostfixMapLines Render(ReadOnlyMemory<byte> list, bool earlyAdopter)
    {
        if (list.Span.StartsWith("\uFEFF"u8))
        {
            throw new MapRefusedException("the list starts with a byte order mark (json.encoding.bom)");
        }

        if (!Utf8.IsValid(list.Span))
        {
            throw new MapRefusedException("the list is not valid UTF-8 (json.encoding.invalid_utf8)");
        }

        return new Renderer(list.Length, earlyAdopter, new Dictionary<string, AliasLine>(StringComparer.Ordinal)).Render(list);
    }

    /// <summary>The comment lines that head a map: <paramref name="lines"/>, then what each mode becomes.</summary>
    public static byte[] Header(IEnumerable<string> lines, bool earlyAdopter)
    {
        var text = new StringBuilder();
        foreach (string line in lines)
        {
            text.Append("# ").Append(line).Append('\n');
        }

        text.Append("# enforce: secure, certificate must match; testing: ")
            .Append(earlyAdopter ? "enforced too (--early-adopter)" : "commented out, delivery stays opportunistic").Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>The map written when the installed list has expired: no policy at all, so delivery falls back to opportunistic TLS.</summary>
    public static string Expired(long serial, DateTimeOffset expires) =>
        $"# starttls-policy: the installed list (serial {serial}) EXPIRED at {expires:yyyy-MM-dd'T'HH:mm:ss'Z'}.\n" +
        "# No policy is enforced until a fresh signed release is installed: delivery is opportunistic.\n";

    private static byte[] ClassifyBytes()
    {
        var classes = new byte[256];
        for (int b = 0; b < 256; b++)
        {
            classes[b] = b is > ' ' and < 0x7F && !Reserved.Contains((byte)b) ? (b is >= 'A' and <= 'Z' ? Upper : Plain) : Other;
        }

        return classes;
    }

    /// <summary>One policy as read: where its patterns are, its mode and alias.</summary>
    private struct PolicyRead
    {
        public PolicyMode? Mode;
        public string? Alias;
        public bool HasMxs;
    }

    /// <summary>An alias, ready to be written: its mode and its <c>match=</c> patterns, lower-cased and joined.</summary>
    private sealed record AliasLine(PolicyMode? Mode, byte[] Patterns, int PatternCount);

    /// <summary>One rendering, or one part of it: the output, the aliases, the names written so far.</summary>
    /// <param name="capacity">The output's first size: a map is shorter than its list, except where aliases expand.</param>
    /// <param name="earlyAdopter">Enforce testing domains too.</param>
    /// <param name="aliases">The aliases read so far, shared by the parts of one rendering.</param>
    private sealed class Renderer(int capacity, bool earlyAdopter, Dictionary<string, AliasLine> aliases)
    {
        private readonly Dictionary<string, AliasLine> _aliases = aliases;
        private readonly List<(int Start, int Length, bool Escaped)> _patterns = new(8);
        private readonly NameSet _names = new();
        private readonly List<ReadOnlyMemory<byte>> _parts = [];

        // Not zeroing the buffer spares touching pages the map never reaches.
        private byte[] _output = GC.AllocateUninitializedArray<byte>(capacity + 4096);
        private int _written;

        public PostfixMapLines Render(ReadOnlyMemory<byte> memory)
        {
            var list = memory.Span;
            var json = new JsonScanner(list, MaxDepth, MaxTokenBytes);
            if (!json.Read())
            {
                throw Invalid(ref json, list);
            }

            if (json.Token != JsonToken.StartObject)
            {
                throw new MapRefusedException("the list must be a JSON object (list.shape)");
            }

            ListTime? expires = null;
            var members = new List<string>(8);
            int deferredPolicies = -1;
            while (Next(ref json, list) == JsonToken.PropertyName)
            {
                string member = json.GetString();
                if (members.Contains(member, StringComparer.Ordinal))
                {
                    throw new MapRefusedException($"the list has the member \"{member}\" twice (json.duplicate_key)");
                }

                members.Add(member);
                var value = Next(ref json, list);
                switch (member)
                {
                    case "timestamp" or "expires":
                        if (value is not (JsonToken.String or JsonToken.Number))
                        {
                            throw Shape($"\"{member}\" must be a string or a number");
                        }

                        if (member == "expires")
                        {
                            expires = new ListTime(json.GetString(), value == JsonToken.Number);
                        }

                        break;
                    case "version" or "author":
                        if (value != JsonToken.String)
                        {
                            throw Shape($"\"{member}\" must be a string");
                        }

                        break;
                    case "policy-aliases" or "policies":
                        if (value != JsonToken.StartObject)
                        {
                            throw Shape($"\"{member}\" must be an object");
                        }

                        if (member == "policy-aliases")
                        {
                            ReadPolicies(ref json, memory, aliases: true);
                        }
                        else if (members.Contains("policy-aliases"))
                        {
                            ReadPolicies(ref json, memory, aliases: false);
                        }
                        else
                        {
                            // The aliases may come later in a file not in canonical order: write these policies after them.
                            deferredPolicies = json.TokenStart;
                            Skip(ref json, list);
                        }

                        break;
                    default:
                        Skip(ref json, list);
                        break;
                }
            }

            if (Next(ref json, list) != JsonToken.None)
            {
                throw Invalid(ref json, list);
            }

            if (deferredPolicies >= 0)
            {
                var policies = new JsonScanner(list[deferredPolicies..], MaxDepth, MaxTokenBytes);
                policies.Read();
                ReadPolicies(ref policies, memory[deferredPolicies..], aliases: false);
            }

            _parts.Add(_output.AsMemory(0, _written));
            return new PostfixMapLines(_parts, expires);
        }

        private void ReadPolicies(ref JsonScanner json, ReadOnlyMemory<byte> memory, bool aliases)
        {
            var list = memory.Span;
            if (!aliases && list.Length - json.Position >= ParallelFrom && RenderSideBySide(memory, json.Position) is > 0 and var end)
            {
                json.ContinueAfterMember(end, separatorRead: false);
            }

            while (true)
            {
                // Entries in the canonical layout are read without the scanner, which takes over at the first that is not.
                int at = json.Position;
                int stop = ReadCanonicalEntries(list, at, json.ExpectsMemberName, aliases, out bool separatorRead);
                if (stop != at)
                {
                    json.ContinueAfterMember(stop, separatorRead);
                }

                if (Next(ref json, list) != JsonToken.PropertyName)
                {
                    return;
                }

                int nameStart = json.ValueStart, nameLength = json.ValueLength;
                bool nameEscaped = json.ValueIsEscaped;
                if (Next(ref json, list) != JsonToken.StartObject)
                {
                    throw Shape($"the policy of \"{Text(list.Slice(nameStart, nameLength), nameEscaped)}\" must be an object");
                }

                var policy = ReadPolicy(ref json, list, list.Slice(nameStart, nameLength), nameEscaped);
                Take(list, nameStart, nameLength, nameEscaped, policy, aliases);
            }
        }

        // A large list in canonical layout is cut into parts at entry boundaries and the parts rendered side by side.
        // Where a part starts is a guess (a byte pattern that ends an entry); a part counts only if the part before it,
        // read from a known start, ends exactly there, so a wrong guess costs time, never correctness. Returns the
        // offset after the object's last entry, or -1 (nothing written) when the parts do not cover the whole object
        // in canonical layout and sorted order, which a released list always is.
        private int RenderSideBySide(ReadOnlyMemory<byte> memory, int start)
        {
            var list = memory.Span;
            int count = Environment.ProcessorCount * 4;
            var starts = new List<int>(count) { start };
            for (int k = 1; k < count; k++)
            {
                int target = start + (int)((long)(list.Length - start) * k / count);
                int found = target > starts[^1] ? list[target..].IndexOf("\n    },\n    \""u8) : -1;
                if (found >= 0)
                {
                    starts.Add(target + found + 7);
                }
            }

            var parts = new Renderer[starts.Count];
            int end = -1;
            bool covered = true;
            try
            {
                Parallel.For(0, starts.Count, k =>
                {
                    bool last = k == starts.Count - 1;
                    int limit = last ? int.MaxValue : starts[k + 1];
                    var part = new Renderer((last ? memory.Length : limit) - starts[k], earlyAdopter, _aliases);
                    int stop = part.ReadCanonicalEntries(memory.Span, starts[k], true, false, out bool separatorRead, limit);
                    parts[k] = part;
                    if (last)
                    {
                        end = stop;
                        covered &= !separatorRead && memory.Span[stop..].StartsWith("\n  }"u8);
                    }
                    else
                    {
                        covered &= stop == limit && separatorRead;
                    }
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is MapRefusedException))
            {
                // A part that started at a wrong guess can fail on what is not an entry at all; the careful way decides.
                return -1;
            }

            for (int k = 0; covered && k < parts.Length; k++)
            {
                covered = parts[k]._names.IsSorted && (k == 0 || parts[k - 1].LastName.SequenceCompareTo(parts[k].FirstName) < 0);
            }

            if (!covered)
            {
                return -1;
            }

            foreach (var part in parts)
            {
                _parts.Add(part._output.AsMemory(0, part._written));
            }

            return end;
        }

        private ReadOnlySpan<byte> FirstName => _names.Name(_output, 0);

        private ReadOnlySpan<byte> LastName => _names.Name(_output, _names.Count - 1);

        private void Take(ReadOnlySpan<byte> list, int nameStart, int nameLength, bool nameEscaped, PolicyRead policy, bool alias)
        {
            if (alias)
            {
                AddAlias(Text(list.Slice(nameStart, nameLength), nameEscaped), policy, list);
            }
            else
            {
                WriteLine(list, nameStart, nameLength, nameEscaped, policy);
            }
        }

        // Reads entries written exactly as the canonical writer writes them, from i: just after the object's '{' or a
        // ',' when a member name is expected, else just after an entry. Returns where it stopped: after the last entry
        // it read, or after the ',' that follows it (separatorRead), or i when it read nothing.
        private int ReadCanonicalEntries(ReadOnlySpan<byte> list, int i, bool expectsName, bool aliases, out bool separatorRead, int limit = int.MaxValue)
        {
            separatorRead = false;
            int resume = i;
            if (!expectsName)
            {
                if (i >= list.Length || list[i] != ',')
                {
                    return i;
                }

                i++;
                resume = i;
                separatorRead = true;
            }

            while (true)
            {
                var policy = default(PolicyRead);
                int end = MatchCanonicalEntry(list, i, ref policy, out int nameStart, out int nameLength);
                if (end < 0 || (aliases && HasControl(list.Slice(nameStart, nameLength))))
                {
                    return resume;
                }

                Take(list, nameStart, nameLength, false, policy, aliases);
                if (end < list.Length && list[end] == ',')
                {
                    i = resume = end + 1;
                    separatorRead = true;
                    if (resume >= limit)
                    {
                        return resume;
                    }
                }
                else
                {
                    separatorRead = false;
                    return end;
                }
            }
        }

        // One entry in canonical layout from i (after '{' or ','): {mode, mxs} or {policy-alias}, strings unescaped.
        // Returns the offset after its closing '}', or -1 when the entry is laid out in any other way.
        private int MatchCanonicalEntry(ReadOnlySpan<byte> list, int i, ref PolicyRead policy, out int nameStart, out int nameLength)
        {
            nameStart = i + 6;
            nameLength = 0;
            if (!list[i..].StartsWith("\n    \""u8) || PlainStringEnd(list, nameStart) is not (> 0 and var nameEnd))
            {
                return -1;
            }

            nameLength = nameEnd - nameStart;
            i = nameEnd + 1;
            if (!list[i..].StartsWith(": {\n      \""u8))
            {
                return -1;
            }

            i += 11;
            _patterns.Clear();
            var rest = list[i..];
            if (rest.StartsWith("mode\": \""u8))
            {
                var mode = rest[8..];
                policy.Mode = mode.StartsWith("enforce\""u8) ? PolicyMode.Enforce : mode.StartsWith("testing\""u8) ? PolicyMode.Testing : null;
                if (policy.Mode is null || !mode[8..].StartsWith(",\n      \"mxs\": ["u8))
                {
                    return -1;
                }

                i += 8 + 8 + 16;
                policy.HasMxs = true;
                while (true)
                {
                    if (!list[i..].StartsWith("\n        \""u8) || PlainStringEnd(list, i + 10) is not (> 0 and var end))
                    {
                        return -1;
                    }

                    _patterns.Add((i + 10, end - i - 10, false));
                    i = end + 1;
                    if (i < list.Length && list[i] == ',')
                    {
                        i++;
                    }
                    else if (list[i..].StartsWith("\n      ]"u8))
                    {
                        i += 8;
                        break;
                    }
                    else
                    {
                        return -1;
                    }
                }
            }
            else if (rest.StartsWith("policy-alias\": \""u8) && PlainStringEnd(list, i + 16) is > 0 and var end && !HasControl(list[(i + 16)..end]))
            {
                policy.Alias = Encoding.UTF8.GetString(list[(i + 16)..end]);
                i = end + 1;
            }
            else
            {
                return -1;
            }

            return list[i..].StartsWith("\n    }"u8) ? i + 6 : -1;
        }

        // The closing quote of a string from start that holds no escape or line feed and is not too long, else -1. Other
        // control characters, which JSON refuses in a string too, are looked for only where the text is kept as it is:
        // names and patterns go through CopyLower, which refuses them.
        private static int PlainStringEnd(ReadOnlySpan<byte> list, int start)
        {
            int found = start <= list.Length ? list[start..].IndexOfAny((byte)'"', (byte)'\\', (byte)'\n') : -1;
            return found >= 0 && found <= MaxTokenBytes && list[start + found] == '"' ? start + found : -1;
        }

        private static bool HasControl(ReadOnlySpan<byte> text) => text.ContainsAnyInRange((byte)0, (byte)0x1F);

        private PolicyRead ReadPolicy(ref JsonScanner json, ReadOnlySpan<byte> list, ReadOnlySpan<byte> name, bool nameEscaped)
        {
            var policy = default(PolicyRead);
            bool hasMode = false, hasAlias = false;
            _patterns.Clear();
            while (Next(ref json, list) == JsonToken.PropertyName)
            {
                var member = json.Value;
                bool escaped = json.ValueIsEscaped;
                var value = Next(ref json, list);
                if (!escaped && member.SequenceEqual("mode"u8) && !hasMode && value == JsonToken.String)
                {
                    hasMode = true;
                    policy.Mode = json.ValueIsEscaped ? PolicyModeNames.Parse(json.GetString())
                        : json.Value.SequenceEqual("enforce"u8) ? PolicyMode.Enforce
                        : json.Value.SequenceEqual("testing"u8) ? PolicyMode.Testing
                        : null;
                    if (policy.Mode is null)
                    {
                        throw Shape($"\"{Text(name, nameEscaped)}\" has the mode {Quote(json.Value)}; a mode is \"enforce\" or \"testing\"");
                    }
                }
                else if (!escaped && member.SequenceEqual("mxs"u8) && !policy.HasMxs && value == JsonToken.StartArray)
                {
                    policy.HasMxs = true;
                    JsonToken item;
                    while ((item = Next(ref json, list)) == JsonToken.String)
                    {
                        _patterns.Add((json.ValueStart, json.ValueLength, json.ValueIsEscaped));
                    }

                    if (item != JsonToken.EndArray)
                    {
                        throw Shape($"an MX pattern of \"{Text(name, nameEscaped)}\" must be a string");
                    }
                }
                else if (!escaped && member.SequenceEqual("policy-alias"u8) && !hasAlias && value == JsonToken.String)
                {
                    hasAlias = true;
                    policy.Alias = json.GetString();
                }
                else
                {
                    throw Shape($"\"{Text(member, escaped)}\" of \"{Text(name, nameEscaped)}\" is not a valid policy member (or appears twice, or holds the wrong type)");
                }
            }

            return policy;
        }

        private void AddAlias(string name, PolicyRead policy, ReadOnlySpan<byte> list)
        {
            int start = _written;
            WritePatterns(list, name);
            var line = new AliasLine(policy.Mode, _output[start.._written], _patterns.Count);
            _written = start;

            // Two aliases of one name are two equal keys of one object: refused, as every reader of the list refuses them.
            if (!_aliases.TryAdd(name, line))
            {
                throw new MapRefusedException($"the alias \"{name}\" is defined twice (json.duplicate_key)");
            }
        }

        private void WriteLine(ReadOnlySpan<byte> list, int nameStart, int nameLength, bool nameEscaped, PolicyRead policy)
        {
            var name = list.Slice(nameStart, nameLength);
            PolicyMode? mode = policy.Mode;
            AliasLine? alias = null;
            if (policy.Alias is { } aliasName)
            {
                alias = _aliases.GetValueOrDefault(aliasName)
                    ?? throw new MapRefusedException($"{Text(name, nameEscaped)} uses the unknown alias {aliasName}; refusing to write a map that drops it");
                mode = alias.Mode;
            }

            if ((alias?.PatternCount ?? _patterns.Count) == 0)
            {
                // EFF's consumer wrote "secure match=" here, which fails every delivery to the domain.
                throw new MapRefusedException($"{Text(name, nameEscaped)} has no MX pattern; \"secure match=\" would refuse all its mail, and leaving it out would hide the error");
            }

            bool enforced = mode == PolicyMode.Enforce || (earlyAdopter && mode == PolicyMode.Testing);
            if (!enforced)
            {
                Write("# testing: "u8);
            }

            int nameAt = _written;
            if (!WriteLower(list, nameStart, nameLength, nameEscaped))
            {
                throw Reserves($"the domain {Text(name, nameEscaped)}");
            }

            if (!_names.Add(_output, nameAt, _written - nameAt))
            {
                throw new MapRefusedException($"the domain {Text(name, nameEscaped)} is listed twice (names compare without case)");
            }

            Write("\tsecure match="u8);
            if (alias is not null)
            {
                Write(alias.Patterns);
            }
            else
            {
                WritePatterns(list, null, name, nameEscaped);
            }

            Write("\n"u8);
        }

        private void WritePatterns(ReadOnlySpan<byte> list, string? alias, ReadOnlySpan<byte> owner = default, bool ownerEscaped = false)
        {
            for (int i = 0; i < _patterns.Count; i++)
            {
                if (i > 0)
                {
                    Write(":"u8);
                }

                var (start, length, escaped) = _patterns[i];
                if (!WriteLower(list, start, length, escaped))
                {
                    throw Reserves($"an MX pattern of {alias ?? Text(owner, ownerEscaped)}");
                }
            }
        }

        // Lists are lower case already (the validator insists): plain ASCII is lowered and checked in one pass, anything
        // else is lowered the way strings are. False when the text holds a byte the map's syntax reserves.
        private bool WriteLower(ReadOnlySpan<byte> list, int start, int length, bool escaped)
        {
            if (!escaped && CopyLower(list, start, length, Reserve(length + Vector128<byte>.Count)))
            {
                _written += length;
                return true;
            }

            var raw = list.Slice(start, length);
            byte[] lowered = Encoding.UTF8.GetBytes(Text(raw, escaped).ToLowerInvariant());
            if (lowered.AsSpan().ContainsAny(Reserved) || HasControl(lowered))
            {
                return false;
            }

            Write(lowered);
            return true;
        }

        // Copies list[start..start + length] lower-cased into `into`, which has 16 bytes to spare; false at the first
        // byte that is not printable ASCII or that the map's syntax reserves. Names and patterns are short: one or two
        // vectors each, read past the string's end (the list goes on) and written past it (the output's spare room).
        private static bool CopyLower(ReadOnlySpan<byte> list, int start, int length, Span<byte> into)
        {
            if (!Vector128.IsHardwareAccelerated || start + length + Vector128<byte>.Count > list.Length)
            {
                return CopyLowerByByte(list.Slice(start, length), into);
            }

            ref byte source = ref MemoryMarshal.GetReference(list);
            ref byte target = ref MemoryMarshal.GetReference(into);
            var lanes = Vector128.Create((sbyte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            for (int i = 0; i < length; i += Vector128<byte>.Count)
            {
                // Signed bytes: everything from 0x80 up is negative, so "below '!' or above '~'" is one comparison and
                // one equality, which every x64 processor does without emulating unsigned order.
                var bytes = Vector128.LoadUnsafe(ref source, (nuint)(start + i)).AsSByte();
                var inString = Vector128.LessThan(lanes, Vector128.Create((sbyte)Math.Min(Vector128<byte>.Count, length - i)));
                var refused = Vector128.LessThan(bytes, Vector128.Create((sbyte)'!'))
                    | Vector128.Equals(bytes, Vector128.Create((sbyte)0x7F))
                    | Vector128.Equals(bytes, Vector128.Create((sbyte)':'))
                    | Vector128.Equals(bytes, Vector128.Create((sbyte)','))
                    | Vector128.Equals(bytes, Vector128.Create((sbyte)'#'));
                if ((refused & inString) != Vector128<sbyte>.Zero)
                {
                    return false;
                }

                var upper = Vector128.GreaterThan(bytes, Vector128.Create((sbyte)('A' - 1))) & Vector128.LessThan(bytes, Vector128.Create((sbyte)('Z' + 1)));
                (bytes | (upper & Vector128.Create((sbyte)0x20))).AsByte().StoreUnsafe(ref target, (nuint)i);
            }

            return true;
        }

        private static bool CopyLowerByByte(ReadOnlySpan<byte> text, Span<byte> into)
        {
            var classes = ByteClasses;
            for (int i = 0; i < text.Length; i++)
            {
                byte b = text[i];
                switch (classes[b])
                {
                    case Plain:
                        into[i] = b;
                        break;
                    case Upper:
                        into[i] = (byte)(b | 0x20);
                        break;
                    default:
                        return false;
                }
            }

            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Reserve(bytes.Length));
            _written += bytes.Length;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Span<byte> Reserve(int length)
        {
            if (_written + length > _output.Length)
            {
                Grow(length);
            }

            return _output.AsSpan(_written, length);
        }

        private void Grow(int length) => Array.Resize(ref _output, Math.Max(_output.Length * 2, _written + length));

        private static JsonToken Next(ref JsonScanner json, ReadOnlySpan<byte> list) =>
            json.Read() || json.Error == JsonScanError.None ? json.Token : throw Invalid(ref json, list);

        private static void Skip(ref JsonScanner json, ReadOnlySpan<byte> list)
        {
            if (!json.Skip())
            {
                throw Invalid(ref json, list);
            }
        }

        private static MapRefusedException Invalid(ref JsonScanner json, ReadOnlySpan<byte> list)
        {
            if (json.Error == JsonScanError.None)
            {
                return new MapRefusedException("the list is empty or ends too early (json.syntax)");
            }

            int line = 1 + list[..json.ErrorOffset].Count((byte)'\n');
            int column = 1 + json.ErrorOffset - (list[..json.ErrorOffset].LastIndexOf((byte)'\n') + 1);
            string code = json.Error switch
            {
                JsonScanError.TooDeep => "json.too_deep",
                JsonScanError.TokenTooLong => "json.token_too_long",
                _ => "json.syntax",
            };
            return new MapRefusedException($"the list is not valid JSON at line {line}, byte {column} ({code}): {json.ErrorMessage}");
        }

        private static MapRefusedException Reserves(string what) =>
            new($"{what} holds a character Postfix's map syntax reserves (one of : , # or white space) or a control character");

        private static MapRefusedException Shape(string message) => new($"{message} (list.shape)");

        private static string Text(ReadOnlySpan<byte> raw, bool escaped) =>
            Encoding.UTF8.GetString(escaped ? JsonScanner.Unescape(raw) : raw);

        private static string Quote(ReadOnlySpan<byte> raw) => $"\"{Encoding.UTF8.GetString(raw)}\"";
    }

    /// <summary>The names written so far, kept as places in the output, to refuse a domain listed twice.</summary>
    /// <remarks>
    /// A canonical list is sorted, so while each name sorts after the one before, none can repeat and nothing is
    /// hashed. The first name out of order turns the set into a hash table of every name so far.
    /// </remarks>
    private sealed class NameSet
    {
        private static readonly ulong Seed = (ulong)Random.Shared.NextInt64();
        private (int Start, int Length, int Hash)[] _entries = new (int, int, int)[1 << 11];
        private int[]? _slots;
        private int _count;

        /// <summary>How many names were added.</summary>
        public int Count => _count;

        /// <summary>Whether every name so far sorted after the one before.</summary>
        public bool IsSorted => _slots is null;

        /// <summary>The name added <paramref name="index"/>th (empty when there is none).</summary>
        public ReadOnlySpan<byte> Name(byte[] output, int index) =>
            index >= 0 && index < _count ? output.AsSpan(_entries[index].Start, _entries[index].Length) : [];

        public bool Add(byte[] output, int start, int length)
        {
            var name = output.AsSpan(start, length);
            if (_slots is null)
            {
                if (_count == 0 || name.SequenceCompareTo(output.AsSpan(_entries[_count - 1].Start, _entries[_count - 1].Length)) > 0)
                {
                    Append(start, length, 0);
                    return true;
                }

                Index(output);
            }

            int hash = Hash(name);
            int mask = _slots!.Length - 1;
            for (int slot = hash & mask; ; slot = (slot + 1) & mask)
            {
                int index = _slots[slot] - 1;
                if (index < 0)
                {
                    Append(start, length, hash);
                    _slots[slot] = _count;
                    if (_count * 2 > _slots.Length)
                    {
                        Rehash();
                    }

                    return true;
                }

                var entry = _entries[index];
                if (entry.Hash == hash && output.AsSpan(entry.Start, entry.Length).SequenceEqual(name))
                {
                    return false;
                }
            }
        }

        private void Append(int start, int length, int hash)
        {
            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _count * 2);
            }

            _entries[_count++] = (start, length, hash);
        }

        private void Index(byte[] output)
        {
            for (int i = 0; i < _count; i++)
            {
                _entries[i].Hash = Hash(output.AsSpan(_entries[i].Start, _entries[i].Length));
            }

            Rehash();
        }

        // A multiply-xor hash, eight bytes at a time, seeded per process so that no list can be built to collide.
        private static int Hash(ReadOnlySpan<byte> name)
        {
            ulong hash = Seed ^ (ulong)name.Length;
            while (name.Length >= 8)
            {
                hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(name)) * 0x9E3779B97F4A7C15;
                hash ^= hash >> 32;
                name = name[8..];
            }

            ulong tail = 0;
            for (int i = 0; i < name.Length; i++)
            {
                tail |= (ulong)name[i] << (8 * i);
            }

            hash = (hash ^ tail) * 0x9E3779B97F4A7C15;
            return (int)(hash ^ (hash >> 29) ^ (hash >> 47));
        }

        private void Rehash()
        {
            _slots = new int[Math.Max(1 << 12, (int)BitOperations.RoundUpToPowerOf2((uint)_count * 4))];
            int mask = _slots.Length - 1;
            for (int i = 0; i < _count; i++)
            {
                int slot = _entries[i].Hash & mask;
                while (_slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                _slots[slot] = i + 1;
            }
        }
    }
}
