using OnnxVideo.Media;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Optimizers;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Testing;

/// <summary>
/// A linear classifier with Dropout (ratio 0.3, in the inference form exporters write) on its flattened input,
/// compiled by the exporter, so its training graphs drop with masks from the dropout_seed input.
/// </summary>
internal static class DropoutLinearPackage
{
    public static string Write(string directory, PreprocessingContract contract)
    {
        long[] sampleShape = [3, contract.Frames, contract.CropSize, contract.CropSize];
        var features = sampleShape.Aggregate(1L, (a, b) => a * b);
        var classes = contract.Labels.Length;
        var g = new GraphBuilder("dropout_linear");
        g.Input("video", DataType.Float, [(Dim)"N", .. sampleShape.Select(d => (Dim)d)]);
        var flat = g.Node("Flatten", ["video"], new Dictionary<string, object> { ["axis"] = 1L });
        var dropped = g.Node("Dropout", [flat, g.Constant(0.3f)], name: "input_dropout");
        var random = new Random(7);
        var weights = Enumerable.Range(0, (int)(features * classes)).Select(_ => (float)(random.NextDouble() - 0.5) * 0.01f).ToArray();
        g.Initializer("W", weights, features, classes);
        g.Initializer("b", new float[classes], classes);
        g.Graph.Node.Add(new NodeProto { OpType = "Gemm", Name = "head", Input = { dropped, "W", "b" }, Output = { "logits" } });
        g.Output("logits", DataType.Float, "N", classes);
        TrainingPackageWriter.Write(OnnxModels.Create(g.Graph), new TrainingPackageOptions
        {
            Tuning = TuningSpec.Full,
            Optimizer = new OptimizerSettings { Kind = OptimizerKind.Sgd, LearningRate = 0.05f, WeightDecay = 0, Momentum = LinearTrainingPackage.Momentum },
            Contract = contract,
        }, directory);
        return directory;
    }
}
