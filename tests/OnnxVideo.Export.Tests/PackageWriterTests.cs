using System.Text.Json.Nodes;
using OnnxVideo.Packaging.Optimizers;
using OnnxVideo.Packaging;
using OnnxVideo.Models.Compilation;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Packaging.Tuning;
using OnnxVideo.Models.Tuning;
using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Ort;

namespace OnnxVideo.Export.Tests;

public sealed class PackageWriterTests : IDisposable
{
    private static readonly long[] VideoShape = [4, 3, 2, 4, 4];
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static ModelProto ModelWithContract()
    {
        var model = TinyModels.Mlp3d();
        ModelMetadata.Set(model, PreprocessingContract.MetadataKey, new PreprocessingContract { Frames = 2, CropSize = 4, ResizeShortSide = 4, Labels = ["a", "b", "c"] }.ToJson());
        return model;
    }

    private string Write(TuningSpec spec, OptimizerSettings? optimizer = null, float smoothing = 0.1f, long threshold = 0)
    {
        var dir = temp.File(Guid.NewGuid().ToString("N"));
        TrainingPackageWriter.Write(ModelWithContract(), new TrainingPackageOptions
        {
            Tuning = spec,
            Optimizer = optimizer ?? new OptimizerSettings { Kind = OptimizerKind.AdamW, WeightDecay = 0.05f },
            LabelSmoothing = smoothing,
            FrozenThresholdBytes = threshold,
        }, dir);
        return dir;
    }

    private static (float[] Video, long[] Labels) Batch(int seed)
    {
        var random = new Random(seed);
        var video = Enumerable.Range(0, (int)VideoShape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return (video, Enumerable.Range(0, 4).Select(_ => (long)random.Next(3)).ToArray());
    }

    [Fact]
    public void PackageHasEveryFileWithItsHashAndFrozenWeightsStoredOnce()
    {
        var dir = Write(TuningSpec.Parse("bitfit"));
        var package = TrainingPackage.Load(dir);
        var m = package.Manifest;
        Assert.Equal(["manifest.json", "eval.onnx", "frozen.safetensors", "grads.onnx", "optimizer.onnx", "optimizer_state.safetensors", "train_step.onnx", "trainable.safetensors"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order().Prepend("manifest.json").Distinct());
        Assert.Equal(7, m.Files.Count);
        Assert.Equal(["conv.bias", "bn.bias", "fc1.bias", "proj.bias", "head.weight", "head.bias"], m.Parameters.Select(p => p.Name));
        var head = m.Parameters.Single(p => p.Name == "head.weight");
        Assert.Equal([3L, 5], head.Shape);
        Assert.True(head.WeightDecay);
        Assert.False(m.Parameters.Single(p => p.Name == "head.bias").WeightDecay);
        Assert.Equal(["head.weight.exp_avg", "head.weight.exp_avg_sq"], head.State.Select(s => s.Name));
        Assert.Equal("head.weight.exp_avg.updated", head.State[0].Updated);
        Assert.Equal(("video", "labels", "logits", "loss", "grad_norm"), (m.Io.Video, m.Io.Labels, m.Io.Logits, m.Io.Loss, m.Io.GradientNorm));
        Assert.Equal("targets", m.Io.Targets);
        Assert.Equal(["N", "3", "2", "4", "4"], m.Io.VideoShape);
        Assert.Equal(3, m.ClassCount);
        Assert.Equal(["a", "b", "c"], m.Contract!.Labels);
        Assert.Equal(4 + 4 + 6 + 5 + 15 + 3, m.TrainableParameterCount);
        Assert.Equal(12 + 4 + 24 + 30, m.FrozenParameterCount);

        // Frozen tensors live in frozen.safetensors only; every graph refers to them as external data.
        var frozenNames = m.Frozen.Select(t => t.Name).ToHashSet();
        Assert.Contains("conv.weight", frozenNames);
        // BitFit trains bn.bias, so that BatchNorm trains with batch statistics and its running statistics are updated.
        Assert.Equal(BatchNormMode.Auto, m.BatchNorm);
        Assert.Equal([("bn.running_mean", "bn.running_mean.updated"), ("bn.running_var", "bn.running_var.updated")], m.Buffers.Select(b => (b.Name, b.Updated)));
        Assert.DoesNotContain("bn.running_var", frozenNames);
        Assert.DoesNotContain("head.weight", frozenNames);
        foreach (var graphFile in new[] { package.TrainStepPath, package.EvalPath, package.GradientsPath })
        {
            var graph = OnnxModelFile.Load(graphFile, loadExternalData: false).Graph;
            var stored = graph.Initializer.Where(t => frozenNames.Contains(t.Name)).ToList();
            Assert.Equal(frozenNames.Count, stored.Count);
            Assert.All(stored, t => Assert.Equal(TensorProto.Types.DataLocation.External, t.DataLocation));
            Assert.All(stored, t => Assert.Equal("frozen.safetensors", t.ExternalData.Single(e => e.Key == "location").Value));
            Assert.DoesNotContain(graph.Initializer, t => t.Name == "head.weight");
            Assert.All(graph.Node, n => Assert.Equal("", n.Domain));
            // Every value is defined once: by an input, an initializer or one node output.
            var defined = graph.Input.Select(i => i.Name).Concat(graph.Initializer.Select(t => t.Name)).Concat(graph.Node.SelectMany(n => n.Output)).ToList();
            Assert.Equal(defined.Count, defined.Distinct().Count());
        }
        // The external-data view of frozen.safetensors gives the original values.
        var original = ModelWithContract().Graph.Initializer.Single(t => t.Name == "fc1.weight");
        var loaded = OnnxModelFile.Load(package.EvalPath).Graph.Initializer.Single(t => t.Name == "fc1.weight");
        Assert.Equal(TensorProtos.ToFloats(original), TensorProtos.ToFloats(loaded));
        using var frozen = package.OpenFrozen();
        Assert.Equal(TensorProtos.ToFloats(original), frozen.ReadFloats("fc1.weight"));
    }

    [Fact]
    public void EvalGraphGivesTheModelsLogitsAndPyTorchsSmoothedCrossEntropy()
    {
        var package = TrainingPackage.Load(Write(TuningSpec.Full, smoothing: 0.2f));
        var (video, labels) = Batch(1);
        using var original = new OrtModelRunner(ModelWithContract());
        var expectedLogits = original.Run(new Dictionary<string, (Array, long[])> { ["video"] = (video, VideoShape) }, ["logits"])["logits"];
        using var eval = new OrtModelRunner(package.EvalPath);
        var inputs = new Dictionary<string, (Array, long[])> { ["video"] = (video, VideoShape), ["labels"] = (labels, [4]) };
        foreach (var (name, value) in package.ReadTrainable())
        {
            inputs[name] = (value, package.ShapeOf(name));
        }
        var outputs = eval.Run(inputs, ["logits", "loss"]);
        Assert.Equal(expectedLogits, outputs["logits"], new ToleranceComparer(1e-6f, 1e-5f));
        double loss = 0;
        for (var n = 0; n < 4; n++)
        {
            var row = expectedLogits.Skip(n * 3).Take(3).Select(v => (double)v).ToArray();
            var logSum = Math.Log(row.Sum(Math.Exp));
            for (var c = 0; c < 3; c++)
            {
                var target = (c == labels[n] ? 0.8 : 0) + 0.2 / 3;
                loss -= target * (row[c] - logSum);
            }
        }
        Assert.Equal(loss / 4, outputs["loss"][0], 5);
    }

    [Fact]
    public void AccumulatedGradientsThroughTheOptimizerGraphEqualOneTrainStepOnTheWholeBatch()
    {
        var package = TrainingPackage.Load(Write(TuningSpec.Parse("pattern:^proj"), new OptimizerSettings { Kind = OptimizerKind.Sgd, Momentum = 0.9f, Nesterov = true, WeightDecay = 0.01f }));
        var (video, labels) = Batch(2);
        using var stepper = new PackageStepper(package);
        var initial = new Dictionary<string, float[]>(stepper.Parameters);
        var (loss, norm, _) = stepper.Step(video, VideoShape, labels, 0.1f, 1, 0.5f);

        // Two micro-batches of two clips through grads.onnx, averaged, then optimizer.onnx.
        using var grads = new OrtModelRunner(package.GradientsPath);
        var sums = package.Parameters.ToDictionary(p => p.Gradient, p => new float[p.Shape.Aggregate(1L, (a, d) => a * d)]);
        var losses = new List<float>();
        var half = video.Length / 2;
        for (var k = 0; k < 2; k++)
        {
            var inputs = new Dictionary<string, (Array, long[])>
            {
                ["video"] = (video.Skip(k * half).Take(half).ToArray(), [2, 3, 2, 4, 4]),
                ["targets"] = (PackageStepper.OneHot(labels.Skip(k * 2).Take(2).ToArray(), 3), [2, 3]),
            };
            foreach (var p in package.Parameters)
            {
                inputs[p.Name] = (initial[p.Name], p.Shape);
            }
            var outputs = grads.Run(inputs, package.Parameters.Select(p => p.Gradient).Append("loss").ToList());
            losses.Add(outputs["loss"][0]);
            foreach (var p in package.Parameters)
            {
                for (var i = 0; i < sums[p.Gradient].Length; i++)
                {
                    sums[p.Gradient][i] += outputs[p.Gradient][i] / 2;
                }
            }
        }
        Assert.Equal(loss, losses.Average(), 5);
        using var optimizer = new OrtModelRunner(package.OptimizerPath);
        var optimizerInputs = new Dictionary<string, (Array, long[])>
        {
            ["lr"] = (new[] { 0.1f }, []),
            ["step"] = (new[] { 1f }, []),
            ["clip_norm"] = (new[] { 0.5f }, []),
        };
        foreach (var p in package.Parameters)
        {
            optimizerInputs[p.Name] = (initial[p.Name], p.Shape);
            optimizerInputs[p.Gradient] = (sums[p.Gradient], p.Shape);
            foreach (var s in p.State)
            {
                optimizerInputs[s.Name] = (new float[sums[p.Gradient].Length], p.Shape);
            }
        }
        var updated = optimizer.Run(optimizerInputs, package.Parameters.Select(p => p.Updated).Append("grad_norm").ToList());
        Assert.Equal(norm, updated["grad_norm"][0], 5);
        foreach (var p in package.Parameters)
        {
            Assert.Equal(stepper.Parameters[p.Name], updated[p.Updated], new ToleranceComparer(1e-6f, 1e-5f));
            Assert.NotEqual(initial[p.Name], stepper.Parameters[p.Name]);
        }
    }

    [Theory]
    [InlineData("head", nameof(BatchNormMode.Auto), false)]
    [InlineData("pattern:^bn", nameof(BatchNormMode.Auto), true)]
    [InlineData("head", nameof(BatchNormMode.Train), true)]
    [InlineData("full", nameof(BatchNormMode.Frozen), false)]
    public void BatchNormModeDecidesWhetherRunningStatisticsTrain(string tuning, string modeName, bool trains)
    {
        var mode = Enum.Parse<BatchNormMode>(modeName);
        var dir = temp.File(Guid.NewGuid().ToString("N"));
        TrainingPackageWriter.Write(ModelWithContract(), new TrainingPackageOptions { Tuning = TuningSpec.Parse(tuning), BatchNorm = mode }, dir);
        var package = TrainingPackage.Load(dir);
        var statistics = new[] { "bn.running_mean", "bn.running_var" };
        Assert.Equal(trains ? statistics : [], package.Buffers.Select(b => b.Name));
        var train = OnnxModelFile.Load(package.TrainStepPath, loadExternalData: false).Graph;
        // Frozen under full tuning, the BatchNorm is folded into the trained Conv before it (FrozenBatchNormFolding).
        Assert.Equal(!trains && tuning != "full", train.Node.Any(n => n.OpType == "BatchNormalization"));
        Assert.Equal(trains ? statistics.Select(s => s + ".updated") : [], train.Output.Select(o => o.Name).Where(n => n.StartsWith("bn.running", StringComparison.Ordinal)));
        // The eval graph always normalises with the running statistics; trained ones are inputs so it sees their current values.
        var eval = OnnxModelFile.Load(package.EvalPath, loadExternalData: false).Graph;
        Assert.Single(eval.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(trains, eval.Input.Any(i => i.Name == "bn.running_var"));
    }

    [Fact]
    public void TrainingBatchNormUpdatesRunningStatisticsWithTheUnbiasedBatchVariance()
    {
        var package = TrainingPackage.Load(Write(TuningSpec.Full));
        var (video, labels) = Batch(3);
        var probe = ModelWithContract();
        var convOutput = probe.Graph.Node.Single(n => n.OpType == "Conv").Output[0];
        probe.Graph.Output.Add(GraphBuilder.ValueInfo(convOutput, TensorProto.Types.DataType.Float));
        using var runner = new OrtModelRunner(probe);
        var x = runner.Run(new Dictionary<string, (Array, long[])> { ["video"] = (video, VideoShape) }, [convOutput])[convOutput];

        using var stepper = new PackageStepper(package);
        var initialMean = stepper.Buffers["bn.running_mean"];
        var initialVar = stepper.Buffers["bn.running_var"];
        stepper.Step(video, VideoShape, labels, 0.1f, 1, 0f);
        const int Channels = 4, PerSample = 2 * 4 * 4;
        var count = (int)VideoShape[0] * PerSample;
        for (var c = 0; c < Channels; c++)
        {
            var values = Enumerable.Range(0, (int)VideoShape[0]).SelectMany(n => x.Skip((n * Channels + c) * PerSample).Take(PerSample)).Select(v => (double)v).ToList();
            var mean = values.Average();
            var unbiased = values.Sum(v => (v - mean) * (v - mean)) / (count - 1);
            Assert.Equal(0.9 * initialMean[c] + 0.1 * mean, stepper.Buffers["bn.running_mean"][c], 5);
            Assert.Equal(0.9 * initialVar[c] + 0.1 * unbiased, stepper.Buffers["bn.running_var"][c], 5);
        }
    }

    [Fact]
    public void InferenceExportMergesLoraAndReproducesTheEvalGraph()
    {
        var dir = Write(TuningSpec.Parse("lora:r=2,alpha=6,target=weight"), threshold: 64);
        var package = TrainingPackage.Load(dir);
        Assert.Equal(3, package.Manifest.Tuning.LoraAdapters.Count);
        using var stepper = new PackageStepper(package);
        for (var step = 1; step <= 3; step++)
        {
            var (video, labels) = Batch(10 + step);
            stepper.Step(video, VideoShape, labels, 0.05f, step, 0);
        }
        Assert.Contains(stepper.Parameters["proj.weight.lora_B"], v => v != 0);
        var weights = temp.File("trained.safetensors");
        SafetensorsWriter.WriteFile(weights, package.Parameters.Select(p => SafetensorsTensor.FromFloats(p.Name, stepper.Parameters[p.Name], p.Shape)).ToList());

        var modelPath = temp.File("model.onnx");
        InferenceExport.Export(package, weights, modelPath);
        var exported = OnnxModelFile.Load(modelPath);
        Assert.DoesNotContain(exported.Graph.Node, n => n.Name.Contains("lora", StringComparison.Ordinal) || n.Input.Any(i => i.Contains("lora", StringComparison.Ordinal)));
        Assert.DoesNotContain(exported.Graph.Initializer, t => t.Name.Contains("lora", StringComparison.Ordinal));
        Assert.Equal(["video"], exported.Graph.Input.Select(i => i.Name));
        Assert.Equal(["logits"], exported.Graph.Output.Select(o => o.Name));
        Assert.Equal(package.Contract!.ToJson(), PreprocessingContract.FromJson(ModelMetadata.Get(exported, PreprocessingContract.MetadataKey)!).ToJson());

        var (testVideo, testLabels) = Batch(99);
        using var eval = new OrtModelRunner(package.EvalPath);
        var inputs = new Dictionary<string, (Array, long[])> { ["video"] = (testVideo, VideoShape), ["labels"] = (testLabels, [4]) };
        foreach (var p in package.Parameters)
        {
            inputs[p.Name] = (stepper.Parameters[p.Name], p.Shape);
        }
        var expected = eval.Run(inputs, ["logits"])["logits"];
        using var inference = new OrtModelRunner(modelPath);
        var actual = inference.Run(new Dictionary<string, (Array, long[])> { ["video"] = (testVideo, VideoShape) }, ["logits"])["logits"];
        Assert.Equal(expected, actual, new ToleranceComparer(1e-5f, 1e-4f));
    }

    [Fact]
    public void LoraDropoutIsActiveInTrainingAndAbsentFromEvaluation()
    {
        var package = TrainingPackage.Load(Write(TuningSpec.Parse("lora:r=2,alpha=2,dropout=0.5,target=proj")));
        // In training the branch input is dropped with a mask from the dropout_seed input (no ORT Dropout).
        Assert.Equal(0.5f, Assert.Single(package.Manifest.Dropout).Ratio);
        var trainStep = OnnxModelFile.Load(package.TrainStepPath).Graph;
        Assert.Contains(trainStep.Input, i => i.Name == package.Io.DropoutSeed);
        Assert.DoesNotContain(trainStep.Node, n => n.OpType == "Dropout");
        Assert.DoesNotContain(OnnxModelFile.Load(package.EvalPath).Graph.Node, n => n.OpType == "Dropout");
        var (video, labels) = Batch(5);
        using var stepper = new PackageStepper(package);
        var (loss, norm, _) = stepper.Step(video, VideoShape, labels, 0.05f, 1, 0);
        Assert.True(float.IsFinite(loss) && float.IsFinite(norm) && norm > 0);
        Assert.Contains(stepper.Parameters["proj.weight.lora_B"], v => v != 0);
    }

    [Fact]
    public void FrozenWeightsCanBeSuppliedByTheLoaderInsteadOfTheFile()
    {
        var package = TrainingPackage.Load(Write(TuningSpec.Head));
        var (video, labels) = Batch(3);
        float[] RunEval(OrtSessionOptions options)
        {
            using var session = new OrtSession(package.EvalPath, options);
            var names = new List<string> { "video", "labels" };
            var values = new List<OrtValue> { OrtValue.CreateTensor(video, VideoShape), OrtValue.CreateTensor(labels, 4) };
            foreach (var (name, value) in package.ReadTrainable())
            {
                names.Add(name);
                values.Add(OrtValue.CreateTensor(value, package.ShapeOf(name)));
            }
            var result = session.Run(names, values, ["logits"]);
            var logits = result[0].ToArray<float>();
            foreach (var v in values.Concat(result))
            {
                v.Dispose();
            }
            return logits;
        }
        var fromFile = RunEval(new OrtSessionOptions());
        using var frozen = package.OpenFrozen();
        var shared = package.Manifest.Frozen.ToDictionary(t => t.Name, t => OrtValue.CreateTensor(frozen.ReadFloats(t.Name), t.Shape));
        var sameValues = new OrtSessionOptions();
        foreach (var (name, value) in shared)
        {
            sameValues.AddInitializer(name, value);
        }
        Assert.Equal(fromFile, RunEval(sameValues));
        using var zeroHead = OrtValue.CreateTensor(new float[30], 6, 5);
        var changed = new OrtSessionOptions();
        changed.AddInitializer("proj.weight", zeroHead);
        Assert.NotEqual(fromFile, RunEval(changed));
        foreach (var v in shared.Values)
        {
            v.Dispose();
        }
    }

    [Fact]
    public void TamperedOrIncompletePackagesAreRefusedNamingTheFile()
    {
        var dir = Write(TuningSpec.Head);
        var eval = Path.Combine(dir, "eval.onnx");
        var bytes = File.ReadAllBytes(eval);
        bytes[^1] ^= 0x5a;
        File.WriteAllBytes(eval, bytes);
        var e = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(eval, e.FilePath);
        Assert.Contains("SHA-256 mismatch", e.Message);

        var manifestPath = Path.Combine(dir, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["formatVersion"] = 7;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        Assert.Contains("format version 7", Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir)).Message);

        File.WriteAllText(manifestPath, "{ not json");
        Assert.Contains("not a valid manifest", Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir)).Message);

        File.Delete(manifestPath);
        var missing = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(manifestPath, missing.FilePath);

        var other = Write(TuningSpec.Head);
        File.Delete(Path.Combine(other, "optimizer.onnx"));
        Assert.Contains("missing", Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(other)).Message);
    }

    [Fact]
    public void WrongTrainableTensorShapeIsReportedEvenWithMatchingHashes()
    {
        var dir = Write(TuningSpec.Head);
        var trainable = Path.Combine(dir, "trainable.safetensors");
        SafetensorsWriter.WriteFile(trainable, [SafetensorsTensor.FromFloats("head.weight", new float[15], 5, 3), SafetensorsTensor.FromFloats("head.bias", new float[3], 3)]);
        var manifestPath = Path.Combine(dir, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var f in manifest["files"]!.AsArray())
        {
            if ((string)f!["path"]! == "trainable.safetensors")
            {
                f["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(trainable)));
                f["bytes"] = new FileInfo(trainable).Length;
            }
        }
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        var e = Assert.Throws<TrainingPackageException>(() => TrainingPackage.Load(dir));
        Assert.Equal(trainable, e.FilePath);
        Assert.Contains("'head.weight' is F32 [5, 3], expected F32 [3, 5]", e.Message);
    }

    [Fact]
    public void RewritingAPackageReplacesItAndLeavesNoTemporaryFiles()
    {
        var dir = Write(TuningSpec.Head);
        TrainingPackageWriter.Write(ModelWithContract(), new TrainingPackageOptions { Tuning = TuningSpec.Full }, dir);
        var package = TrainingPackage.Load(dir);
        Assert.Equal(TuningKind.Full, package.Manifest.Tuning.Kind);
        Assert.DoesNotContain(Directory.GetFiles(dir), f => f.Contains(".tmp", StringComparison.Ordinal));
    }
}
