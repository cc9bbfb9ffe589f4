using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using Google.Protobuf;
using OnnxVideo.Ort;

namespace OnnxVideo.Runtime;

/// <summary>
/// The in-memory rewrite a model gets before its CPU session is created (issue 17 levers 3 and 3c): 3-D convolutions
/// as 2-D ones over reshaped tensors (<see cref="Conv3dTo2dLowering"/>), which ran r3d_18 and mc3_18 in 0.75–0.90× the
/// time, for a higher peak memory (r3d_18 531 instead of 462 MiB; benchmarks/README.md). The model file is not touched.
/// </summary>
internal static class CpuConvolutionLowering
{
    /// <summary>How the 3×3×3 and temporally strided convs are stacked in inference (measured: benchmarks/README.md, lever 3c).</summary>
    public const TapStackForm InferenceForm = TapStackForm.Gathered;

    /// <summary>
    /// Opens <paramref name="modelPath"/> with <paramref name="open"/>, from a rewritten copy when a convolution was
    /// lowered, else as it is: also when our reader cannot parse the file (ORT then reports on it), when its weights
    /// live in external data files, when shape inference cannot follow it, or when ORT refuses the rewritten copy. The
    /// copy is a temporary file, deleted once the session exists, and the parsed model is collected before ORT reads it,
    /// so that our copy of the weights and ORT's are not held at once.
    /// </summary>
    public static T Open<T>(string modelPath, Func<string, T> open)
    {
        var lowered = TryWriteLowered(modelPath);
        if (lowered is null)
        {
            return open(modelPath);
        }
        // The parsed weights (as large as the model), unreachable once TryWriteLowered returned, go back to the system
        // before ORT allocates its own copy.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        try
        {
            return open(lowered);
        }
        catch (OrtException)
        {
            // A rewritten model ORT refuses (an op the CPU provider lacks for the new nodes' types) runs as written.
            return open(modelPath);
        }
        finally
        {
            File.Delete(lowered);
        }
    }

    /// <summary>The path of the lowered copy in the temporary folder, or null when the model is left as it is.</summary>
    private static string? TryWriteLowered(string modelPath)
    {
        ModelProto model;
        try
        {
            model = OnnxModelFile.Load(modelPath, loadExternalData: false);
        }
        catch (OnnxFormatException)
        {
            return null;
        }
        if (model.Graph.Initializer.Any(t => t.DataLocation == TensorProto.Types.DataLocation.External) || !Lower(model))
        {
            return null;
        }
        var path = Path.Combine(Path.GetTempPath(), $"onnxvideo-lowered-{Guid.NewGuid():N}.onnx");
        try
        {
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            model.WriteTo(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(path);
            return null;
        }
        return path;
    }

    /// <summary>Rewrites <paramref name="model"/> in place; false when no convolution was lowered.</summary>
    public static bool Lower(ModelProto model)
    {
        try
        {
            return Conv3dTo2dLowering.Rewrite(model.Graph, InferenceForm) > 0;
        }
        catch (Exception e) when (e is ShapeInferenceException or InvalidOperationException or ArgumentException)
        {
            // A graph the rewrite cannot follow (inconsistent shapes, clashing names) is left to ORT as it is.
            return false;
        }
    }
}
