using OnnxVideo.Models.Import;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Onnx.Graphs;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Imports classifiers exported by torch.onnx.export from torchvision's r3d_18 (BatchNorm folded) and mc3_18
/// (BatchNorm kept), and a small model with a MatMul+Add head and a fixed batch, and compares with PyTorch.
/// </summary>
public sealed class ImportTests(ImportTestsFixture fixture) : IClassFixture<ImportTestsFixture>
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData("r3d_18_folded", false)]
    [InlineData("mc3_18_batchnorm", true)]
    public void NewHeadHasRequestedClassesAndFeaturesMatchPyTorch(string name, bool keepsBatchNorm)
    {
        var reference = fixture.Case(name);
        var model = OnnxModelFile.Load(reference.ModelPath);
        Assert.Equal(keepsBatchNorm, model.Graph.Node.Any(n => n.OpType == "BatchNormalization"));

        var imported = OnnxClassifierImporter.Import(model, reference.ModelPath, new ImportOptions { NewClasses = 4, ExposeFeatures = true, Seed = 3 });

        var outputs = ImportTestsOrt.Run(imported.Model, reference.Input, reference.InputShape);
        Assert.Equal(new long[] { reference.InputShape[0], 4 }, outputs[imported.LogitsName].Shape);
        Assert.Equal(reference.FeaturesShape, outputs["features"].Shape);
        ImportTestsOrt.AssertClose(reference.Features, outputs["features"].Data, Tolerance);
        Assert.DoesNotContain(imported.Model.Graph.Initializer, t => t.Name is "fc.weight" or "fc.bias");

        // The new logits are the PyTorch features through the new head's weights: x Wᵀ + b.
        var w = Initializer(imported.Model, ImportOptions.NewHeadWeight);
        var b = Initializer(imported.Model, ImportOptions.NewHeadBias);
        var f = (int)reference.FeaturesShape[1];
        var expected = new float[reference.InputShape[0] * 4];
        for (var n = 0; n < reference.InputShape[0]; n++)
        {
            for (var k = 0; k < 4; k++)
            {
                double sum = b[k];
                for (var i = 0; i < f; i++)
                {
                    sum += (double)reference.Features[n * f + i] * w[k * f + i];
                }
                expected[n * 4 + k] = (float)sum;
            }
        }
        ImportTestsOrt.AssertClose(expected, outputs[imported.LogitsName].Data, Tolerance);
    }

    [Theory]
    [InlineData("r3d_18_folded")]
    [InlineData("mc3_18_batchnorm")]
    [InlineData("tiny_fixed_batch")]
    public void KeptHeadGivesPyTorchLogits(string name)
    {
        var reference = fixture.Case(name);
        var imported = OnnxClassifierImporter.Import(reference.ModelPath, new ImportOptions { ExposeFeatures = true });

        Assert.Equal((int)reference.LogitsShape[1], imported.Classes);
        var outputs = ImportTestsOrt.Run(imported.Model, reference.Input, reference.InputShape);
        ImportTestsOrt.AssertClose(reference.Logits, outputs[imported.LogitsName].Data, Tolerance);
        ImportTestsOrt.AssertClose(reference.Features, outputs["features"].Data, Tolerance);
    }

    [Fact]
    public void FindsTorchvisionGemmHead()
    {
        var reference = fixture.Case("r3d_18_folded");
        var head = ClassifierHeadFinder.Find(OnnxModelFile.Load(reference.ModelPath).Graph, reference.ModelPath);

        Assert.Equal(ClassifierHeadKind.Gemm, head.Kind);
        Assert.Equal("fc.weight", head.Weight);
        Assert.Equal("fc.bias", head.Bias);
        Assert.Equal(512, head.FeatureCount);
        Assert.Equal(10, head.ClassCount);
        Assert.Equal("logits", head.LogitsOutput);
    }

    [Fact]
    public void FixedBatchBecomesSymbolicAndMatMulHeadIsReplaced()
    {
        var reference = fixture.Case("tiny_fixed_batch");
        var model = OnnxModelFile.Load(reference.ModelPath);
        Assert.Equal(2, model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimValue);

        var imported = OnnxClassifierImporter.Import(model, reference.ModelPath, new ImportOptions { NewClasses = 3, ExposeFeatures = true });

        Assert.Equal(ClassifierHeadKind.MatMulAdd, imported.OriginalHead.Kind);
        Assert.Equal(OnnxClassifierImporter.BatchDim, model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Contains(imported.Notes, n => n.Contains("Reshape", StringComparison.Ordinal));
        // Exported with a batch of 2, run with 3.
        Assert.Equal(3, reference.InputShape[0]);
        var outputs = ImportTestsOrt.Run(imported.Model, reference.Input, reference.InputShape);
        Assert.Equal(new long[] { 3, 3 }, outputs[imported.LogitsName].Shape);
        ImportTestsOrt.AssertClose(reference.Features, outputs["features"].Data, Tolerance);
        Assert.DoesNotContain(imported.Model.Graph.Node, n => n.OpType is "MatMul" or "Squeeze");
        // The literal [2, -1] target shape is replaced by [0, -1] (copy the batch) and removed.
        var original = OnnxModelFile.Load(reference.ModelPath).Graph.Node.Single(n => n.OpType == "Reshape").Input[1];
        var reshape = imported.Model.Graph.Node.Single(n => n.OpType == "Reshape");
        Assert.Equal(new long[] { 0, -1 }, TensorProtos.ToInt64s(imported.Model.Graph.Initializer.Single(t => t.Name == reshape.Input[1])));
        Assert.DoesNotContain(imported.Model.Graph.Node, n => n.Output.Contains(original));
    }

    [Fact]
    public void NewHeadIsInitialisedLikeTorchLinear()
    {
        var reference = fixture.Case("tiny_fixed_batch");
        var imported = OnnxClassifierImporter.Import(reference.ModelPath, new ImportOptions { NewClasses = 200, Seed = 7 });
        var w = Initializer(imported.Model, ImportOptions.NewHeadWeight);
        var b = Initializer(imported.Model, ImportOptions.NewHeadBias);
        var bound = 1 / Math.Sqrt(8);

        Assert.Equal(200 * 8, w.Length);
        Assert.Equal(200, b.Length);
        Assert.All(w.Concat(b), v => Assert.InRange(v, -bound, bound));
        // Uniform(-a, a) has mean 0 and standard deviation a/√3.
        var values = w.Concat(b).Select(v => (double)v).ToArray();
        var mean = values.Average();
        var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.05 * bound, 0.05 * bound);
        Assert.InRange(std, 0.9 * bound / Math.Sqrt(3), 1.1 * bound / Math.Sqrt(3));
    }

    [Fact]
    public void ReimportingAnImportedModelReplacesItsHeadAgain()
    {
        var reference = fixture.Case("tiny_fixed_batch");
        var first = OnnxClassifierImporter.Import(reference.ModelPath, new ImportOptions { NewClasses = 3 });
        var second = OnnxClassifierImporter.Import(first.Model, "first import", new ImportOptions { NewClasses = 6, ExposeFeatures = true });

        Assert.Equal(ClassifierHeadKind.Gemm, second.OriginalHead.Kind);
        Assert.Equal(3, second.OriginalHead.ClassCount);
        var outputs = ImportTestsOrt.Run(second.Model, reference.Input, reference.InputShape);
        Assert.Equal(new long[] { 3, 6 }, outputs[second.LogitsName].Shape);
        ImportTestsOrt.AssertClose(reference.Features, outputs["features"].Data, Tolerance);
    }

    [Fact]
    public void GraphWithoutHeadIsRefusedNamingItsEnding()
    {
        var g = new GraphBuilder("no_head");
        var x = g.Input("video", DataType.Float, "N", 3, 4, 8, 8);
        var w = g.Initializer("conv.weight", new float[2 * 3 * 27], 2, 3, 3, 3, 3);
        var pooled = g.Node("GlobalAveragePool", [g.Node("Relu", [g.Node("Conv", [x, w])])]);
        var flat = g.Node("Flatten", [pooled], new Dictionary<string, object> { ["axis"] = 1L });
        g.Output(flat, DataType.Float, "N", 2);
        var model = OnnxModels.Create(g.Graph);

        var e = Assert.Throws<HeadNotFoundException>(() => OnnxClassifierImporter.Import(model, "no_head.onnx", new ImportOptions { NewClasses = 3 }));

        Assert.Equal(new[] { "Conv", "Relu", "GlobalAveragePool", "Flatten" }, e.GraphEnding);
        Assert.Contains("no_head.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("Conv → Relu → GlobalAveragePool → Flatten", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SoftmaxAfterTheHeadIsNotMistakenForLogits()
    {
        var g = new GraphBuilder("probabilities");
        var x = g.Input("features", DataType.Float, "N", 4);
        var w = g.Initializer("fc.weight", new float[12], 3, 4);
        var b = g.Initializer("fc.bias", new float[3], 3);
        var logits = g.Node("Gemm", [x, w, b], new Dictionary<string, object> { ["transB"] = 1L });
        var probs = g.Node("Softmax", [logits], new Dictionary<string, object> { ["axis"] = 1L });
        g.Output(probs, DataType.Float, "N", 3);

        var e = Assert.Throws<HeadNotFoundException>(() => ClassifierHeadFinder.Find(g.Graph, "probabilities.onnx"));

        Assert.Equal(new[] { "Gemm", "Softmax" }, e.GraphEnding);
    }

    [Fact]
    public void HeadWhoseIntermediateValueIsSharedIsRefused()
    {
        var g = new GraphBuilder("shared");
        var x = g.Input("features", DataType.Float, "N", 4);
        var w = g.Initializer("fc.weight", new float[12], 4, 3);
        var b = g.Initializer("fc.bias", new float[3], 3);
        var product = g.Node("MatMul", [x, w]);
        var logits = g.Node("Add", [product, b]);
        g.Output(logits, DataType.Float, "N", 3);
        g.Output(g.Node("Relu", [product]), DataType.Float, "N", 3);

        var e = Assert.Throws<HeadNotFoundException>(() => ClassifierHeadFinder.Find(g.Graph, "shared.onnx"));

        Assert.Contains(product, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingOrMalformedModelFileIsAnOnnxFormatError()
    {
        var missing = Path.Combine(fixture.Directory, "absent.onnx");
        var e1 = Assert.Throws<OnnxFormatException>(() => OnnxClassifierImporter.Import(missing, new ImportOptions()));
        Assert.Contains(missing, e1.Message, StringComparison.Ordinal);

        var garbage = Path.Combine(fixture.Directory, "garbage.onnx");
        File.WriteAllBytes(garbage, [0xff, 0xff, 0xff, 0x01, 0x02]);
        var e2 = Assert.Throws<OnnxFormatException>(() => OnnxClassifierImporter.Import(garbage, new ImportOptions()));
        Assert.Contains(garbage, e2.Message, StringComparison.Ordinal);
    }

    private static float[] Initializer(ModelProto model, string name) =>
        TensorProtos.ToFloats(model.Graph.Initializer.Single(t => t.Name == name));

    [Theory]
    [InlineData("r3d_18_folded")]
    [InlineData("mc3_18_batchnorm")]
    public void TorchExportedVideoResNetsGetAnAdapterAfterEachResidualBlock(string name)
    {
        var reference = fixture.Case(name);
        var graph = OnnxModelFile.Load(reference.ModelPath).Graph;
        GraphRewrites.SortTopologically(graph);
        var selection = TrainableSelection.Apply(graph, TuningSpec.Parse("adapter:dim=4"), training: true, source: reference.ModelPath);
        Assert.Equal([64L, 64, 128, 128, 256, 256, 512, 512], selection.Bottlenecks.Select(a => a.Width));
        // Each adapter reads a ReLU that follows a residual Add.
        Assert.All(selection.Bottlenecks, a =>
        {
            var relu = graph.Node.Single(n => n.Output.Contains(a.Value));
            Assert.Equal("Relu", relu.OpType);
            Assert.Equal("Add", graph.Node.Single(n => n.Output.Contains(relu.Input[0])).OpType);
        });
    }
}
