using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx;

/// <summary>Reads and writes a model's metadata_props.</summary>
internal static class ModelMetadata
{
    public static string? Get(ModelProto model, string key) =>
        model.MetadataProps.LastOrDefault(p => p.Key == key)?.Value;

    public static void Set(ModelProto model, string key, string value)
    {
        for (var i = model.MetadataProps.Count - 1; i >= 0; i--)
        {
            if (model.MetadataProps[i].Key == key)
            {
                model.MetadataProps.RemoveAt(i);
            }
        }
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    public static IReadOnlyDictionary<string, string> All(ModelProto model)
    {
        var all = new Dictionary<string, string>();
        foreach (var p in model.MetadataProps)
        {
            all[p.Key] = p.Value;
        }
        return all;
    }
}
