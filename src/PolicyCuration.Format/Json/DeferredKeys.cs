namespace PolicyCuration.Format.Json;

/// <summary>Checks the keys of a container that was scanned without failure but not built.</summary>
internal static class DeferredKeys
{
    // Comparing each key with those before it is quadratic; an object with more keys is left to the exact reader.
    private const int MaxKeysCompared = 16;

    [ThreadStatic]
    private static List<KeySpan>? t_keys;

    [ThreadStatic]
    private static List<int>? t_objectStarts;

    /// <summary>True when every object in the value at the start of <paramref name="bytes"/> has distinct keys; false when two are equal or when an object has too many keys to tell cheaply.</summary>
    /// <param name="bytes">A value that a <see cref="JsonScanner"/> has read without failure, and whatever follows it.</param>
    public static bool AreDistinct(ReadOnlySpan<byte> bytes)
    {
        var keys = t_keys ??= [];
        var objectStarts = t_objectStarts ??= [];
        keys.Clear();
        objectStarts.Clear();
        var scanner = new JsonScanner(bytes, JsonSyntaxReader.MaxDepth, JsonSyntaxReader.MaxTokenBytes);
        do
        {
            if (!scanner.Read())
            {
                return false;
            }

            switch (scanner.Token)
            {
                case JsonToken.StartObject:
                    objectStarts.Add(keys.Count);
                    break;
                case JsonToken.EndObject:
                    int start = objectStarts[^1];
                    keys.RemoveRange(start, keys.Count - start);
                    objectStarts.RemoveAt(objectStarts.Count - 1);
                    break;
                case JsonToken.PropertyName:
                    var key = new KeySpan(scanner.ValueStart, scanner.ValueLength, scanner.ValueIsEscaped);
                    int first = objectStarts[^1];
                    if (keys.Count - first >= MaxKeysCompared)
                    {
                        return false;
                    }

                    for (int i = first; i < keys.Count; i++)
                    {
                        if (keys[i].SameText(key, bytes))
                        {
                            return false;
                        }
                    }

                    keys.Add(key);
                    break;
            }
        }
        while (scanner.Depth > 0);

        return true;
    }

    /// <summary>A key's text between its quotes, escapes undecoded.</summary>
    private readonly record struct KeySpan(int Start, int Length, bool Escaped)
    {
        /// <remarks>
        /// The scanner has checked the bytes as UTF-8 and every escape, so equal strings are equal bytes once
        /// decoded; unescaped keys are compared as they stand.
        /// </remarks>
        public bool SameText(KeySpan other, ReadOnlySpan<byte> bytes)
        {
            var mine = bytes.Slice(Start, Length);
            var theirs = bytes.Slice(other.Start, other.Length);
            return Escaped || other.Escaped
                ? JsonScanner.Unescape(mine).AsSpan().SequenceEqual(JsonScanner.Unescape(theirs))
                : mine.SequenceEqual(theirs);
        }
    }
}
