using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Onnx;

/// <summary>Wraps a graph into a model with the IR version and opset imports ORT expects.</summary>
internal static class OnnxModels
{
    public const string ProducerName = "OnnxVideo";

    /// <summary>IR version 8 is the one that introduced opset 17; ORT 1.30 reads up to IR 11.</summary>
    public static ModelProto Create(GraphProto graph, int opset = 17, long irVersion = 8)
    {
        var model = new ModelProto
        {
            IrVersion = irVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxModels).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>The default-domain opset version the model imports, or 0 when none.</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
}
