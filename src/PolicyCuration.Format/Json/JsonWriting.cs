using System.Text.Json;

namespace PolicyCuration.Format.Json;

/// <summary>What the project's JSON reports write the same way everywhere.</summary>
public static class JsonWriting
{
    /// <summary>Writes <paramref name="values"/> as the array member <paramref name="name"/>.</summary>
    public static void WriteStringArray(this Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
