using System.Text;

namespace PolicyCuration.Validation.Names;

/// <summary>The writing systems of letters, as far as homoglyph spoofing needs them.</summary>
/// <remarks>
/// A deliberately small slice of UTS #39: Latin, Greek and Cyrillic share look-alike letters, so one label
/// mixing them is refused. Labels wholly in one script pass; whole-script confusables are left to reviewers.
/// </remarks>
internal static class Scripts
{
    private enum Script
    {
        Other,
        Latin,
        Greek,
        Cyrillic,
    }

    /// <summary>Whether <paramref name="label"/> has letters from more than one of Latin, Greek and Cyrillic.</summary>
    public static bool AreMixed(string label)
    {
        Script seen = Script.Other;
        foreach (var rune in label.EnumerateRunes())
        {
            var script = Of(rune);
            if (script == Script.Other)
            {
                continue;
            }

            if (seen != Script.Other && seen != script)
            {
                return true;
            }

            seen = script;
        }

        return false;
    }

    private static Script Of(Rune rune)
    {
        if (!Rune.IsLetter(rune))
        {
            return Script.Other;
        }

        return rune.Value switch
        {
            <= 0x024F or (>= 0x1E00 and <= 0x1EFF) or (>= 0x2C60 and <= 0x2C7F) or (>= 0xA720 and <= 0xA7FF) => Script.Latin,
            (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF) => Script.Greek,
            (>= 0x0400 and <= 0x052F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => Script.Cyrillic,
            _ => Script.Other,
        };
    }
}
