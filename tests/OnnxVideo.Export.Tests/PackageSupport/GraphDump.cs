using System.Text.Json;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;

namespace OnnxVideo.Export.Tests.PackageSupport;

/// <summary>Dumps a graph for the Python reference interpreter: nodes and attributes as JSON, initializers as safetensors.</summary>
internal static class GraphDump
{
    public static void Write(ModelProto model, string jsonPath, string tensorsPath)
    {
        var nodes = model.Graph.Node.Select(n => new Dictionary<string, object>
        {
            ["op"] = n.OpType,
            ["inputs"] = n.Input.ToArray(),
            ["outputs"] = n.Output.ToArray(),
            ["attributes"] = n.Attribute.ToDictionary(a => a.Name, Attribute),
        }).ToList();
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(new { nodes }));
        var tensors = model.Graph.Initializer.Select(t => (TensorProto.Types.DataType)t.DataType switch
        {
            TensorProto.Types.DataType.Float => SafetensorsTensor.FromFloats(t.Name, TensorProtos.ToFloats(t), t.Dims.ToArray()),
            TensorProto.Types.DataType.Int64 => SafetensorsTensor.FromInt64s(t.Name, TensorProtos.ToInt64s(t), t.Dims.ToArray()),
            TensorProto.Types.DataType.Bool => SafetensorsTensor.FromInt64s(t.Name, t.RawData.Select(b => (long)b).ToArray(), t.Dims.ToArray()),
            var other => throw new NotSupportedException($"initializer {t.Name} of type {other}"),
        }).ToList();
        SafetensorsWriter.WriteFile(tensorsPath, tensors);
    }

    private static object Attribute(AttributeProto a) => a.Type switch
    {
        AttributeProto.Types.AttributeType.Int => a.I,
        AttributeProto.Types.AttributeType.Float => a.F,
        AttributeProto.Types.AttributeType.Ints => a.Ints.ToArray(),
        AttributeProto.Types.AttributeType.Floats => a.Floats.ToArray(),
        AttributeProto.Types.AttributeType.String => a.S.ToStringUtf8(),
        AttributeProto.Types.AttributeType.Tensor => TensorAttribute(a.T),
        _ => throw new NotSupportedException($"attribute {a.Name} of type {a.Type}"),
    };

    private static object TensorAttribute(TensorProto t) => t.DataType == (int)TensorProto.Types.DataType.Int64
        ? new { tensor = TensorProtos.ToInt64s(t), dims = t.Dims.ToArray(), dtype = "I64" }
        : new { tensor = TensorProtos.ToFloats(t), dims = t.Dims.ToArray(), dtype = "F32" };
}
