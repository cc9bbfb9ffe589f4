using Google.Protobuf;
using OnnxVideo.Onnx.Files;
using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx;

/// <summary>
/// Tensors stored outside the .onnx file (ONNX external data). Locations are untrusted input: they must name a
/// regular file inside the model's folder, reached without symbolic links.
/// </summary>
internal static class ExternalData
{
    public static IEnumerable<TensorProto> AllTensors(GraphProto graph)
    {
        foreach (var t in graph.Initializer)
        {
            yield return t;
        }
        foreach (var node in graph.Node)
        {
            foreach (var a in node.Attribute)
            {
                if (a.T is not null)
                {
                    yield return a.T;
                }
                if (a.G is not null)
                {
                    foreach (var t in AllTensors(a.G))
                    {
                        yield return t;
                    }
                }
            }
        }
    }

    public static void LoadInto(ModelProto model, string modelPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        foreach (var t in AllTensors(model.Graph))
        {
            if (t.DataLocation != TensorProto.Types.DataLocation.External)
            {
                continue;
            }
            var entries = t.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            if (!entries.TryGetValue("location", out var location) || location.Length == 0)
            {
                throw new OnnxFormatException(modelPath, $"tensor '{t.Name}': external data without a location");
            }
            var file = ResolveInside(modelPath, folder, location, t.Name);
            var offset = ParseLong(entries, "offset", 0, modelPath, t.Name);
            var fileLength = new FileInfo(file).Length;
            var length = ParseLong(entries, "length", fileLength - offset, modelPath, t.Name);
            if (offset < 0 || length < 0 || offset + length > fileLength)
            {
                throw new OnnxFormatException(modelPath, $"tensor '{t.Name}': external data range {offset}+{length} is outside '{location}' ({fileLength} bytes)");
            }
            long expected;
            try
            {
                expected = TensorProtos.ElementCount(t) * TensorProtos.ElementSize((TensorProto.Types.DataType)t.DataType);
            }
            catch (NotSupportedException e)
            {
                throw new OnnxFormatException(modelPath, $"tensor '{t.Name}': {e.Message} in external data");
            }
            if (expected != length)
            {
                throw new OnnxFormatException(modelPath, $"tensor '{t.Name}': external data holds {length} bytes, its shape needs {expected}");
            }
            if (length > TensorChecks.MaxTensorBytes)
            {
                throw new OnnxFormatException(modelPath,
                    $"tensor '{t.Name}': external data of {length} bytes in '{location}' is above the {TensorChecks.MaxTensorBytes} bytes one tensor may hold here");
            }
            var buffer = new byte[length];
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                stream.Seek(offset, SeekOrigin.Begin);
                stream.ReadExactly(buffer);
            }
            t.RawData = ByteString.CopyFrom(buffer);
            t.ExternalData.Clear();
            t.DataLocation = TensorProto.Types.DataLocation.Default;
        }
    }

    public static void MoveOut(ModelProto model, string modelPath, long threshold)
    {
        var dataName = Path.GetFileName(modelPath) + ".data";
        var dataPath = Path.Combine(Path.GetDirectoryName(modelPath)!, dataName);
        var inline = ReadAtSessionCreation(model.Graph);
        AtomicFile.Write(dataPath, stream =>
        {
            foreach (var t in model.Graph.Initializer)
            {
                if (t.RawData.Length < threshold || t.RawData.Length == 0 || inline.Contains(t.Name))
                {
                    continue;
                }
                var offset = stream.Position;
                t.RawData.WriteTo(stream);
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = dataName });
                t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = t.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                t.DataLocation = TensorProto.Types.DataLocation.External;
                t.RawData = ByteString.Empty;
            }
        });
    }

    /// <summary>
    /// Operator inputs ONNX Runtime reads while it builds the session (shapes, axes, repeats, pads); such initializers
    /// must stay inline, as must Constant nodes' tensors, or ORT refuses the model.
    /// </summary>
    private static readonly Dictionary<string, int[]> ShapeInputs = new(StringComparer.Ordinal)
    {
        ["Reshape"] = [1], ["Expand"] = [1], ["Tile"] = [1], ["ConstantOfShape"] = [0], ["Slice"] = [1, 2, 3, 4],
        ["Pad"] = [1, 2, 3], ["Unsqueeze"] = [1], ["Squeeze"] = [1], ["Split"] = [1], ["Resize"] = [1, 2, 3],
        ["Range"] = [0, 1, 2], ["OneHot"] = [1], ["TopK"] = [1], ["ReduceMean"] = [1], ["ReduceSum"] = [1],
        ["ReduceMax"] = [1], ["ReduceMin"] = [1], ["ReduceProd"] = [1], ["ReduceL2"] = [1], ["ReduceLogSumExp"] = [1],
    };

    private static HashSet<string> ReadAtSessionCreation(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.Domain is "" or "ai.onnx" && ShapeInputs.TryGetValue(node.OpType, out var positions))
            {
                names.UnionWith(positions.Where(i => i < node.Input.Count).Select(i => node.Input[i]));
            }
        }

        return names;
    }

    /// <summary>Resolves an external-data location, refusing anything that could read outside the model's folder.</summary>
    public static string ResolveInside(string modelPath, string folder, string location, string tensorName)
    {
        if (Path.IsPathRooted(location) || location.Contains('\0') || location.Contains('\\') ||
            location.Split('/').Any(part => part == ".."))
        {
            throw new OnnxFormatException(modelPath, $"tensor '{tensorName}': external data location '{location}' leaves the model's folder");
        }
        var full = Path.GetFullPath(Path.Combine(folder, location));
        if (!full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new OnnxFormatException(modelPath, $"tensor '{tensorName}': external data location '{location}' leaves the model's folder");
        }
        for (var p = full; p.Length > folder.Length; p = Path.GetDirectoryName(p)!)
        {
            var info = new FileInfo(p);
            if (info.LinkTarget is not null)
            {
                throw new OnnxFormatException(modelPath, $"tensor '{tensorName}': external data location '{location}' goes through a symbolic link");
            }
        }
        if (!File.Exists(full))
        {
            throw new OnnxFormatException(modelPath, $"tensor '{tensorName}': external data file '{location}' not found");
        }
        if (SafeFiles.RegularFileProblem(full) is { } problem)
        {
            throw new OnnxFormatException(modelPath, $"tensor '{tensorName}': external data file '{location}' {problem}");
        }
        return full;
    }

    private static long ParseLong(Dictionary<string, string> entries, string key, long fallback, string modelPath, string tensor)
    {
        if (!entries.TryGetValue(key, out var text))
        {
            return fallback;
        }
        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            throw new OnnxFormatException(modelPath, $"tensor '{tensor}': external data {key} '{text}' is not a non-negative integer");
        }
        return value;
    }
}
