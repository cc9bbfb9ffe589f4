using Google.Protobuf;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Shapes;
using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Opens a package's graph for ORT's CPU provider with its run-time-weighted 2-D convolutions on the NCHWc kernels
/// (<see cref="NchwcConvRewrite"/>, issue 17 lever 22). The rewritten copy lives in memory only; the package's files
/// are not touched. A graph our reader or shape inference cannot follow, one with nothing to rewrite, and a machine
/// whose ORT has no blocked kernels open as they are.
/// </summary>
internal static class CpuTrainingGraphs
{
    /// <summary>Where ORT looks for the external data (frozen.safetensors) of a model given as bytes.</summary>
    private const string ExternalDataFolderKey = "session.model_external_initializers_file_folder_path";

    private static readonly Lazy<int> blockSize = new(ProbeBlockSize);

    /// <summary>ORT's NCHWc block size on this machine (16 with AVX-512, 8 with AVX2); 1 where it has no blocked kernels.</summary>
    public static int BlockSize => blockSize.Value;

    public static OrtSession Open(string modelPath, OrtSessionOptions options, bool nchwcConvolutions)
    {
        if (!nchwcConvolutions || options.ExecutionProvider != ExecutionProvider.Cpu || Rewritten(modelPath) is not { } model)
        {
            return new OrtSession(modelPath, options);
        }
        options.ConfigEntries[ExternalDataFolderKey] = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        return new OrtSession(model, options, modelPath);
    }

    /// <summary>The serialized rewritten graph; null when it is left as it is.</summary>
    public static byte[]? Rewritten(string modelPath)
    {
        if (BlockSize < 4)
        {
            return null;
        }
        try
        {
            var model = OnnxModelFile.Load(modelPath, loadExternalData: false);
            return NchwcConvRewrite.Rewrite(model, BlockSize) > 0 ? model.ToByteArray() : null;
        }
        catch (Exception e) when (e is OnnxFormatException or ShapeInferenceException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>ReorderInput pads the channels up to whole blocks: four channels come back as one block.</summary>
    private static int ProbeBlockSize()
    {
        var g = new GraphBuilder("nchwc_block_size");
        var x = g.Input("x", TensorProto.Types.DataType.Float, 1, 4, 1, 1);
        var blocked = g.Node("ReorderInput", [x], domain: NchwcConvRewrite.Domain);
        g.Output(blocked, TensorProto.Types.DataType.Float, 1, "channels", 1, 1);
        var model = OnnxModels.Create(g.Graph);
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = NchwcConvRewrite.Domain, Version = 1 });
        try
        {
            using var session = new OrtSession(model.ToByteArray(), new OrtSessionOptions { IntraOpThreads = 1 }, "<NCHWc block size probe>");
            using var input = OrtValue.CreateTensor(new float[4], 1, 4, 1, 1);
            var outputs = session.Run([x], [input]);
            var channels = outputs[0].Shape[1];
            foreach (var output in outputs)
            {
                output.Dispose();
            }
            return (int)channels;
        }
        catch (OrtException)
        {
            return 1;
        }
    }
}
