using OnnxVideo.Onnx;
using OnnxVideo.Ort;

namespace OnnxVideo.Models;

/// <summary>
/// Proves a model loads in ONNX Runtime by creating a CPU session for it, so that a graph ORT refuses (a cycle, a
/// self-loop, an unknown operator, an opset it does not implement, mistyped edges) is reported before anything is
/// written, as an <see cref="OnnxFormatException"/> naming the file.
/// </summary>
internal static class OrtModelCheck
{
    private static OrtSessionOptions Options => new()
    {
        IntraOpThreads = 1,
        OptimizationLevel = GraphOptimizationLevel.DisableAll,
        ExecutionProvider = ExecutionProvider.Cpu,
        LogSeverityLevel = OrtLoggingLevel.Error,
    };

    /// <summary>Checks a model file (external data is read from beside it).</summary>
    public static void RequireLoadable(string modelPath, string? describedAs = null)
    {
        try
        {
            using var session = new OrtSession(modelPath, Options);
        }
        catch (OrtException e)
        {
            throw new OnnxFormatException(describedAs ?? modelPath, $"ONNX Runtime cannot load the model: {e.OrtMessage}", e);
        }
    }

    /// <summary>Checks an in-memory model (all data inline, under protobuf's 2 GB) to be written to <paramref name="destination"/>.</summary>
    public static void RequireLoadable(Onnx.Proto.ModelProto model, string destination)
    {
        var bytes = OnnxModelFile.ToBytes(model);
        try
        {
            using var session = new OrtSession(bytes, Options, destination);
        }
        catch (OrtException e)
        {
            throw new OnnxFormatException(destination, $"ONNX Runtime cannot load the model to be written: {e.OrtMessage}", e);
        }
    }
}
