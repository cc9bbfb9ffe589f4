using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;

namespace OnnxVideo.Runtime;

/// <summary>
/// The in-memory rewrite a model gets before its CPU session is created (issue 17 levers 3 and 3c): 3-D convolutions
/// as 2-D ones over reshaped tensors (<see cref="Conv3dTo2dLowering"/>), which ran r3d_18 and mc3_18 in 0.82–0.90× the
/// time (benchmarks/README.md). The model file is not touched.
/// </summary>
internal static class CpuConvolutionLowering
{
    /// <summary>How the 3×3×3 and temporally strided convs are stacked in inference (measured: benchmarks/README.md, lever 3c).</summary>
    public const TapStackForm InferenceForm = TapStackForm.Gathered;

    /// <summary>
    /// The rewritten model's bytes, or null when nothing changes or the model is left to ONNX Runtime as it is: a file
    /// our reader cannot parse (ORT then reports on it), weights in external data files (a session from bytes could not
    /// find them), or shapes that shape inference cannot follow.
    /// </summary>
    public static byte[]? TryLower(string modelPath)
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
        if (model.Graph.Initializer.Any(t => t.DataLocation == TensorProto.Types.DataLocation.External))
        {
            return null;
        }
        return Lower(model) ? OnnxModelFile.ToBytes(model) : null;
    }

    /// <summary>Rewrites <paramref name="model"/> in place; false when no convolution was lowered.</summary>
    public static bool Lower(ModelProto model)
    {
        try
        {
            return Conv3dTo2dLowering.Rewrite(model.Graph, InferenceForm) > 0;
        }
        catch (ShapeInferenceException)
        {
            return false;
        }
    }
}
