using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Training.FewShot;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Training.Tests.FewShot;

/// <summary>The written nearest-prototype head computes, in ONNX Runtime, the logits <see cref="PrototypeSet"/> defines.</summary>
public sealed class PrototypeModelTests
{
    private static readonly PreprocessingContract Contract = new() { Frames = 1, CropSize = 2, ResizeShortSide = 2, Labels = ["a", "b"] };

    /// <summary>video [N, 3, 1, 2, 2] → features = GlobalAveragePool → Flatten → [N, 3]; an old two-class head on top.</summary>
    private static ModelProto Classifier()
    {
        var g = new GraphBuilder("toy");
        var video = g.Input("video", DataType.Float, "N", 3, 1, 2, 2);
        var features = g.Node("Flatten", [g.Node("GlobalAveragePool", [video])], name: "features");
        g.Initializer("fc.weight", [1f, 0f, 0f, 0f, 1f, 0f], 2, 3);
        g.Initializer("fc.bias", [0f, 0f], 2);
        var logits = g.Node("Gemm", [features, "fc.weight", "fc.bias"], new Dictionary<string, object> { ["transB"] = 1L }, name: "logits");
        g.Output(logits, DataType.Float, "N", 2);
        g.Output(features, DataType.Float, "N", 3);
        var model = OnnxModels.Create(g.Graph);
        ModelContracts.Write(model, Contract);
        return model;
    }

    [Theory]
    [InlineData(FewShotMetric.Cosine)]
    [InlineData(FewShotMetric.Euclidean)]
    public void Head_logits_equal_the_prototype_sets(FewShotMetric metric)
    {
        float[][] support = [[1f, 0f, 0f], [0.5f, 0.5f, 0f], [0f, 0f, 2f], [0f, 1f, 1f]];
        var set = PrototypeSet.Build(support, [0, 0, 1, 2], 3, metric, scale: 7f);
        var model = PrototypeModel.Build(Classifier(), set, Contract, ["x", "y", "z"]);
        Assert.Equal(["logits", "features"], model.Graph.Output.Select(o => o.Name));
        Assert.Equal(["x", "y", "z"], ModelContracts.Read(model)!.Labels);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "fc.weight");

        // Each clip's four pixels share one value per channel, so its features are those values.
        float[][] queries = [[0.9f, 0.1f, 0.3f], [-0.2f, 0.4f, 1.5f]];
        var video = queries.SelectMany(q => q.SelectMany(v => Enumerable.Repeat(v, 4))).ToArray();
        using var session = new Ort.OrtSession(OnnxModelFile.ToBytes(model), new Ort.OrtSessionOptions { IntraOpThreads = 1 }, "proto");
        using var input = Ort.OrtValue.CreateTensor(video, 2, 3, 1, 2, 2);
        var outputs = session.Run(["video"], [input], ["logits"]);
        using var logits = outputs[0];
        var expected = queries.SelectMany(set.Logits).ToArray();
        Assert.Equal(expected, logits.ToArray<float>(), new ToleranceComparer(1e-5f, 1e-5f));
    }

    [Fact]
    public void A_model_without_the_features_output_is_refused_by_name()
    {
        var model = Classifier();
        model.Graph.Output.RemoveAt(1);
        var set = PrototypeSet.Build([[1f, 0f, 0f]], [0], 1, FewShotMetric.Cosine);
        var error = Assert.Throws<FewShotException>(() => PrototypeModel.Build(model, set, Contract, ["x"], source: "toy.onnx"));
        Assert.Equal("toy.onnx", error.Input);
        Assert.Contains("no output 'features'", error.Problem);
    }
}
