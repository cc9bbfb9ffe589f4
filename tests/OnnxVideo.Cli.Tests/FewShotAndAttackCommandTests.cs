using System.Text.Json;
using OnnxVideo.Media;

namespace OnnxVideo.Cli.Tests;

/// <summary>
/// <c>fewshot</c>, <c>evaluate --episodes</c>, <c>evaluate --attack</c> and <c>train --adversarial</c> as a user runs
/// them, on a 3-class synthetic set and a tiny3d model with a features output; bad inputs exit with 2 naming the input.
/// </summary>
public sealed class FewShotAndAttackCommandTests(FewShotAndAttackCommandTests.Inputs inputs) : IClassFixture<FewShotAndAttackCommandTests.Inputs>
{
    private static (int Exit, string Stdout, string Stderr) Onnxvideo(params string[] args) => CliProcess.Run(args);

    [Fact]
    public void Fewshot_writes_a_prototype_model_that_evaluate_and_classify_serve()
    {
        var proto = Path.Combine(inputs.Folder.Path, "proto.onnx");
        var (exit, stdout, stderr) = Onnxvideo("fewshot", "--model", inputs.Model, "--support", inputs.Data, "--shots", "2", "--out", proto, "--json", "--threads", "1");
        Assert.True(exit == 0, stderr);
        var written = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(["move_right", "move_left", "move_up"], written.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal([2, 2, 2], written.GetProperty("shotsPerClass").EnumerateArray().Select(c => c.GetInt32()));

        (exit, stdout, stderr) = Onnxvideo("evaluate", "--model", proto, "--data", inputs.Data, "--json", "--threads", "1");
        Assert.True(exit == 0, stderr);
        Assert.Equal(12, JsonDocument.Parse(stdout).RootElement.GetProperty("count").GetInt32());
        (exit, stdout, stderr) = Onnxvideo("classify", "-m", proto, Directory.GetFiles(Path.Combine(inputs.Data, "move_up"))[0], "--json");
        Assert.True(exit == 0, stderr);
        Assert.Contains("\"move_", stdout);
    }

    [Fact]
    public void Episodes_report_mean_accuracy_with_a_95_percent_interval()
    {
        var (exit, stdout, stderr) = Onnxvideo("evaluate", "--model", inputs.Model, "--data", inputs.Data, "--episodes", "6", "--ways", "3",
            "--shots", "1", "--queries", "2", "--seed", "4", "--json", "--threads", "1");
        Assert.True(exit == 0, stderr);
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(6, result.GetProperty("episodes").GetInt32());
        Assert.InRange(result.GetProperty("meanAccuracy").GetDouble(), 0, 1);
        Assert.Equal(1.96 * result.GetProperty("stdDev").GetDouble() / Math.Sqrt(6), result.GetProperty("ci95").GetDouble(), 9);
    }

    [Fact]
    public void Attack_reports_robust_accuracy_next_to_clean()
    {
        var (exit, stdout, stderr) = Onnxvideo("evaluate", "--model", inputs.Model, "--data", inputs.Data, "--attack", "pgd:eps=4,steps=2,alpha=2", "--json", "--threads", "1");
        Assert.True(exit == 0, stderr);
        var result = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("pgd:eps=4,steps=2,alpha=2", result.GetProperty("attack").GetString());
        Assert.Equal(12, result.GetProperty("clips").GetInt32());
        Assert.True(result.GetProperty("robustTop1").GetDouble() <= result.GetProperty("cleanTop1").GetDouble());
    }

    [Fact]
    public void A_trained_model_keeps_its_features_output_and_serves_episodes()
    {
        var run = Path.Combine(inputs.Folder.Path, "trained");
        var (exit, _, stderr) = Onnxvideo("train", "--package", inputs.Package, "--train", Path.Combine(inputs.Data, "train.txt"),
            "--val", Path.Combine(inputs.Data, "val.txt"), "--out", run, "--epochs", "1", "--batch", "4", "--augment", "none", "--threads", "1");
        Assert.True(exit == 0, stderr);
        Assert.Contains("are computed once per clip and cached", stderr);
        var trained = Path.Combine(run, "best", "model.onnx");
        Assert.Equal(["logits", "features"], Onnx.OnnxModelFile.Load(trained).Graph.Output.Select(o => o.Name));
        (exit, var stdout, stderr) = Onnxvideo("evaluate", "--model", trained, "--data", inputs.Data, "--episodes", "3", "--ways", "3",
            "--shots", "1", "--queries", "2", "--json", "--threads", "1");
        Assert.True(exit == 0, stderr);
        Assert.Equal(3, JsonDocument.Parse(stdout).RootElement.GetProperty("episodes").GetInt32());
    }

    /// <summary>The prototype head starts after an L2 normalisation of the features: the head-only cut there still works.</summary>
    [Fact]
    public void Head_tuning_from_the_prototypes_caches_the_backbone_features()
    {
        var proto = Path.Combine(inputs.Folder.Path, "proto-for-tuning.onnx");
        var (exit, _, stderr) = Onnxvideo("fewshot", "--model", inputs.Model, "--support", inputs.Data, "--shots", "1", "--out", proto, "--threads", "1");
        Assert.True(exit == 0, stderr);
        var package = Path.Combine(inputs.Folder.Path, "proto-pkg");
        Inputs.Export("package", "--model", proto, "--tune", "head", "--out", package);
        (exit, _, stderr) = Onnxvideo("train", "--package", package, "--train", Path.Combine(inputs.Data, "train.txt"), "--out",
            Path.Combine(inputs.Folder.Path, "proto-run"), "--epochs", "1", "--batch", "4", "--augment", "none", "--threads", "1");
        Assert.True(exit == 0, stderr);
        Assert.Contains("are computed once per clip and cached", stderr);
        Assert.DoesNotContain("not caching", stderr);
    }

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "empty class", ["fewshot", "--support", "{empty}", "--out", "{out}"], "has no clips" },
        { "empty class in a list", ["fewshot", "--support", "{emptylist}", "--out", "{out}"], "no clips for class(es) move_left" },
        { "NaN alpha", ["evaluate", "--data", "{data}", "--attack", "pgd:eps=4,steps=2,alpha=NaN"], "--attack pgd:eps=4,steps=2,alpha=NaN: alpha must be" },
        { "adversarial negative eps", ["train", "--package", "{package}", "--train", "{data}", "--out", "{out}", "--adversarial", "fgsm:eps=-1"], "--adversarial fgsm:eps=-1: eps must be" },
        { "adversarial NaN eps", ["train", "--package", "{package}", "--train", "{data}", "--out", "{out}", "--adversarial", "pgd:eps=NaN,steps=2"], "--adversarial pgd:eps=NaN,steps=2: eps must be" },
        { "too few shots", ["fewshot", "--support", "{data}", "--shots", "5", "--out", "{out}"], "fewer than --shots 5" },
        { "ways", ["evaluate", "--data", "{data}", "--episodes", "3", "--ways", "4"], "--ways: 4 is more than the 3 classes" },
        { "negative eps", ["evaluate", "--data", "{data}", "--attack", "fgsm:eps=-1"], "--attack fgsm:eps=-1: eps must be" },
        { "NaN eps", ["evaluate", "--data", "{data}", "--attack", "fgsm:eps=NaN"], "--attack fgsm:eps=NaN: eps must be" },
        { "malformed attack", ["evaluate", "--data", "{data}", "--attack", "pgd:eps=4,steps=x"], "steps 'x' is not a number" },
        { "adversarial spec", ["train", "--package", "{package}", "--train", "{data}", "--out", "{out}", "--adversarial", "fgsm:eps"], "--adversarial fgsm:eps:" },
        { "no input gradient", ["train", "--package", "{package}", "--train", "{data}", "--out", "{out}", "--adversarial", "fgsm:eps=2"], "onnxvideo-export package --adversarial" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_exits_2_naming_it(string what, string[] args, string expected)
    {
        var replaced = args.Select(a => a.Replace("{data}", inputs.Data).Replace("{emptylist}", inputs.EmptyClassList).Replace("{empty}", inputs.EmptyClassData).Replace("{package}", inputs.Package)
            .Replace("{out}", Path.Combine(inputs.Folder.Path, "out-" + what.Replace(' ', '-')))).ToList();
        if (replaced[0] is "fewshot" or "evaluate")
        {
            replaced.InsertRange(1, ["--model", inputs.Model]);
        }
        var result = Onnxvideo([.. replaced]);
        CliAssert.UserError(result, expected);
    }

    /// <summary>The synthetic set (3 classes × 4 clips of 4 frames, 16×16), a copy with an empty class folder (and a list file with a class of no clips), the model and a package without the input-gradient graph.</summary>
    public sealed class Inputs : IDisposable
    {
        public Inputs()
        {
            Data = Folder.File("data");
            SyntheticVideoDataset.GenerateAsync(Data, new SyntheticDatasetOptions { Classes = 3, ClipsPerClass = 4, Frames = 4, Size = 16, Codec = "mjpeg" })
                .GetAwaiter().GetResult();
            EmptyClassData = Folder.File("empty-class");
            Directory.CreateDirectory(Path.Combine(EmptyClassData, "move_left"));
            var clip = Directory.GetFiles(Path.Combine(Data, "move_right"))[0];
            Directory.CreateDirectory(Path.Combine(EmptyClassData, "move_right"));
            File.Copy(clip, Path.Combine(EmptyClassData, "move_right", Path.GetFileName(clip)));
            var listFolder = Folder.File("empty-class-list");
            Directory.CreateDirectory(listFolder);
            File.Copy(clip, Path.Combine(listFolder, Path.GetFileName(clip)));
            File.WriteAllLines(Path.Combine(listFolder, "labels.txt"), ["move_right", "move_left"]);
            EmptyClassList = Path.Combine(listFolder, "support.txt");
            File.WriteAllLines(EmptyClassList, [$"{Path.GetFileName(clip)} move_right"]);
            Model = Folder.File("m.onnx");
            Export("create", "--arch", "tiny3d", "--classes", Path.Combine(Data, "labels.txt"), "--frames", "4", "--size", "16", "--features", "--out", Model);
            Package = Folder.File("pkg");
            Export("package", "--model", Model, "--tune", "head", "--out", Package);
        }

        public TempDirectory Folder { get; } = new();
        public string Data { get; }
        public string EmptyClassData { get; }
        /// <summary>A list file beside a labels.txt whose second class has no line.</summary>
        public string EmptyClassList { get; }
        public string Model { get; }
        public string Package { get; }

        internal static void Export(params string[] args)
        {
            var (exit, _, error) = CliProcess.Run("onnxvideo-export", new Dictionary<string, string?>(), args);
            Assert.True(exit == 0, error);
        }

        public void Dispose() => Folder.Dispose();
    }
}
