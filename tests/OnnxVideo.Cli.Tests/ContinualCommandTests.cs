using System.Text.Json;
using OnnxVideo.Media;

namespace OnnxVideo.Cli.Tests;

/// <summary>
/// Class-incremental training as a user runs it: task 1 (move_right, move_left) trained with a rehearsal memory, the
/// head extended by task 2 (move_up, move_down), task 2 trained with the stored exemplars and distillation from task 1's
/// model, and <c>evaluate --tasks --history</c>; bad inputs exit with 2 naming the input.
/// </summary>
public sealed class ContinualCommandTests(ContinualCommandTests.Inputs inputs) : IClassFixture<ContinualCommandTests.Inputs>
{
    private static (int Exit, string Stdout, string Stderr) Onnxvideo(params string[] args) => CliProcess.Run(args);

    private string Out(string name) => Path.Combine(inputs.Folder.Path, name);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    [Fact]
    public void Second_task_rehearses_the_first_task_exemplars_and_stores_a_memory_of_every_class()
    {
        var run = Out("run2-memory");
        var (exit, stdout, stderr) = Onnxvideo("train", "--package", inputs.DistilledPackage, "--train", inputs.Task2, "--out", run,
            "--previous-run", inputs.Run1, "--memory", "4", "--epochs", "1", "--augment", "none", "--threads", "1", "--json");
        Assert.True(exit == 0, stderr);
        var summary = Json(stdout);
        Assert.Equal(4, summary.GetProperty("rehearsedClips").GetInt32());
        Assert.Equal(4, summary.GetProperty("exemplars").GetInt32());

        var first = Json(File.ReadAllText(Path.Combine(inputs.Run1, "exemplars.json")));
        Assert.Equal(["move_right", "move_left"], first.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var firstExemplars = first.GetProperty("exemplars").EnumerateArray().Select(e => (e.GetProperty("path").GetString()!, e.GetProperty("label").GetString()!)).ToList();
        Assert.Equal([2, 2], new[] { "move_right", "move_left" }.Select(c => firstExemplars.Count(e => e.Item2 == c)));

        var second = Json(File.ReadAllText(Path.Combine(run, "exemplars.json")));
        Assert.Equal("herding", second.GetProperty("selection").GetString());
        Assert.Equal("features", second.GetProperty("features").GetString());
        var exemplars = second.GetProperty("exemplars").EnumerateArray().Select(e => (e.GetProperty("path").GetString()!, e.GetProperty("label").GetString()!)).ToList();
        Assert.Equal(["move_right", "move_left", "move_up", "move_down"], exemplars.Select(e => e.Item2));
        // The old classes shrink to their first exemplar of task 1 (herding's order); the new ones come from task 2's clips.
        Assert.Equal(firstExemplars.First(e => e.Item2 == "move_right"), exemplars[0]);
        Assert.Equal(firstExemplars.First(e => e.Item2 == "move_left"), exemplars[1]);
        Assert.All(exemplars, e => Assert.True(File.Exists(e.Item1), e.Item1));
        Assert.All(exemplars.Skip(2), e => Assert.Contains($"{Path.DirectorySeparatorChar}{e.Item2}{Path.DirectorySeparatorChar}", e.Item1));
    }

    [Fact]
    public void Distilling_the_model_the_head_was_extended_from_adds_nothing_at_the_first_step()
    {
        // The extended head keeps task 1's rows, so before any update the student's old-class logits are the teacher's
        // on the same (randomly cropped) clips and the distillation term is zero; a different teacher makes it positive.
        double FirstStepLoss(string package, string name, params string[] extra)
        {
            var run = Out(name);
            var (exit, _, stderr) = Onnxvideo(["train", "--package", package, "--train", inputs.Task2, "--out", run, "--previous-run", inputs.Run1,
                "--memory", "0", "--epochs", "1", "--batch", "8", "--augment", "crop", "--seed", "3", "--threads", "1", .. extra]);
            Assert.True(exit == 0, stderr);
            return Json(File.ReadLines(Path.Combine(run, "metrics.jsonl")).First()).GetProperty("trainLoss").GetDouble();
        }

        var plain = FirstStepLoss(inputs.Package, "run2-plain");
        var distilled = FirstStepLoss(inputs.DistilledPackage, "run2-distilled");
        var otherTeacher = FirstStepLoss(inputs.DistilledPackage, "run2-other-teacher", "--teacher", inputs.OtherTeacher);

        Assert.Equal(plain, distilled, 1e-5);
        Assert.True(otherTeacher > plain + 1e-3, $"loss with another teacher {otherTeacher}, without distillation {plain}");
    }

    [Fact]
    public void Evaluate_tasks_reports_old_and_new_accuracy_and_forgetting_against_the_history()
    {
        var history = Out("history.json");
        var (exit, stdout, stderr) = Onnxvideo("evaluate", "--model", inputs.Run1Model, "--data", inputs.Data, "--tasks", inputs.Tasks,
            "--history", history, "--json", "--threads", "1");
        Assert.True(exit == 0, stderr);
        var after1 = Json(stdout);
        var task2 = after1.GetProperty("tasks")[1];
        Assert.Equal("unseen", task2.GetProperty("role").GetString());
        Assert.False(task2.TryGetProperty("accuracy", out _), "an unseen task has no accuracy");
        Assert.Equal("new", after1.GetProperty("tasks")[0].GetProperty("role").GetString());
        Assert.Equal(8, after1.GetProperty("tasks")[0].GetProperty("clips").GetInt32());

        (exit, stdout, stderr) = Onnxvideo("evaluate", "--model", inputs.ExtendedModel, "--data", inputs.Data, "--tasks", inputs.Tasks,
            "--history", history, "--json", "--threads", "1");
        Assert.True(exit == 0, stderr);
        var after2 = Json(stdout);
        Assert.Equal(2, after2.GetProperty("evaluations").GetInt32());
        var old = after2.GetProperty("tasks")[0];
        Assert.Equal("old", old.GetProperty("role").GetString());
        var before = after1.GetProperty("tasks")[0].GetProperty("accuracy").GetDouble();
        Assert.Equal(before, old.GetProperty("before").GetDouble());
        Assert.Equal(before - old.GetProperty("accuracy").GetDouble(), old.GetProperty("forgetting").GetDouble(), 12);
        Assert.Equal(old.GetProperty("forgetting").GetDouble(), after2.GetProperty("averageForgetting").GetDouble(), 12);
        Assert.Equal(old.GetProperty("accuracy").GetDouble(), after2.GetProperty("oldAccuracy").GetDouble(), 12);
        Assert.Equal("new", after2.GetProperty("tasks")[1].GetProperty("role").GetString());
        Assert.Equal(2, Json(File.ReadAllText(history)).GetProperty("evaluations").GetArrayLength());
    }

    public static TheoryData<string, string[], string> BadInputs => new()
    {
        { "negative memory", ["train", "--package", "{package}", "--train", "{task2}", "--out", "{out}", "--memory", "-1"], "--memory must be >= 0" },
        { "missing exemplar clip", ["train", "--package", "{package}", "--train", "{task2}", "--out", "{out}", "--exemplars", "{missing}"], "names a missing clip" },
        { "teacher class count", ["train", "--package", "{distilled}", "--train", "{task2}", "--out", "{out}", "--exemplars", "{exemplars}", "--teacher", "{extended}"],
            "the teacher predicts 4 classes, but the package distils 2 old classes" },
        { "teacher without distillation", ["train", "--package", "{package}", "--train", "{task2}", "--out", "{out}", "--teacher", "{run1model}"], "was not compiled with distillation" },
        { "distillation without teacher", ["train", "--package", "{distilled}", "--train", "{task2}", "--out", "{out}", "--exemplars", "{exemplars}"], "give the previous task's model" },
        { "previous run without memory", ["train", "--package", "{package}", "--train", "{task2}", "--out", "{out}", "--previous-run", "{folder}"], "has no exemplars.json" },
        { "old classes missing without incremental flags", ["train", "--package", "{package}", "--train", "{task2}", "--out", "{out}"], "it has no clips of the model's classes 'move_right', 'move_left' (to add classes" },
        { "class in two tasks", ["evaluate", "--model", "{run1model}", "--data", "{data}", "--tasks", "{badtasks}"], "class 'move_up' is in task 'a' and in task 'b'" },
        { "history without tasks", ["evaluate", "--model", "{run1model}", "--data", "{data}", "--history", "{out}"], "--history" },
        { "bad distill spec", ["onnxvideo-export", "package", "--model", "{extended}", "--out", "{out}", "--distill", "old_classes=4"], "old_classes=4 must be below the model's 4 classes" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_exits_2_naming_it(string what, string[] args, string expected)
    {
        var replaced = args.Select(a => a.Replace("{package}", inputs.Package).Replace("{distilled}", inputs.DistilledPackage).Replace("{task2}", inputs.Task2)
            .Replace("{missing}", inputs.MissingClipExemplars).Replace("{exemplars}", Path.Combine(inputs.Run1, "exemplars.json"))
            .Replace("{extended}", inputs.ExtendedModel).Replace("{run1model}", inputs.Run1Model).Replace("{folder}", inputs.Data)
            .Replace("{data}", inputs.Data).Replace("{badtasks}", inputs.BadTasks)
            .Replace("{out}", Out("out-" + what.Replace(' ', '-')))).ToArray();
        var result = replaced[0] == "onnxvideo-export"
            ? CliProcess.RunExport(replaced[1..])
            : Onnxvideo(replaced);
        CliAssert.UserError(result, expected);
    }

    /// <summary>
    /// 4 classes × 4 clips (4 frames, 16×16); task lists; task 1's model, its run with --memory 4, the head extended
    /// by task 2, plain and distilling head packages, a prototype model as another teacher, a task file and hostile exemplar/task files.
    /// </summary>
    public sealed class Inputs : IDisposable
    {
        public Inputs()
        {
            Data = Folder.File("data");
            SyntheticVideoDataset.GenerateAsync(Data, new SyntheticDatasetOptions { Classes = 4, ClipsPerClass = 4, Frames = 4, Size = 16, Codec = "mjpeg" })
                .GetAwaiter().GetResult();
            string List(string name, params string[] classes)
            {
                var path = Folder.File(name);
                File.WriteAllLines(path, classes.SelectMany(c => Directory.GetFiles(Path.Combine(Data, c)).Order(StringComparer.Ordinal).Select(f => $"{f} {c}")));
                return path;
            }
            var task1 = List("task1.txt", "move_right", "move_left");
            Task2 = List("task2.txt", "move_up", "move_down");
            File.WriteAllLines(Folder.File("labels1.txt"), ["move_right", "move_left"]);
            File.WriteAllLines(Folder.File("labels2.txt"), ["move_up", "move_down"]);
            var model1 = Folder.File("m1.onnx");
            Export("create", "--arch", "tiny3d", "--classes", Folder.File("labels1.txt"), "--frames", "4", "--size", "16", "--features", "--out", model1);
            // A random tiny3d's logits are nearly uniform; cosine prototypes (scale 10) disagree with them clearly.
            OtherTeacher = Folder.File("other-teacher.onnx");
            var (protoExit, _, protoError) = CliProcess.Run("fewshot", "--model", model1, "--support", task1, "--shots", "2", "--out", OtherTeacher, "--threads", "1");
            Assert.True(protoExit == 0, protoError);
            Export("package", "--model", model1, "--tune", "head", "--out", Folder.File("pkg1"));
            Run1 = Folder.File("run1");
            var (exit, _, error) = CliProcess.Run("train", "--package", Folder.File("pkg1"), "--train", task1, "--out", Run1, "--memory", "4",
                "--epochs", "1", "--augment", "none", "--threads", "1");
            Assert.True(exit == 0, error);
            ExtendedModel = Folder.File("m2.onnx");
            Export("head", "--model", Run1Model, "--extend", Folder.File("labels2.txt"), "--out", ExtendedModel);
            Package = Folder.File("pkg2");
            Export("package", "--model", ExtendedModel, "--tune", "head", "--out", Package);
            DistilledPackage = Folder.File("pkg2d");
            Export("package", "--model", ExtendedModel, "--tune", "head", "--distill", "old_classes=2,temperature=2,weight=1", "--out", DistilledPackage);
            Tasks = Folder.File("tasks.json");
            File.WriteAllText(Tasks, """{"tasks": [{"name": "task1", "classes": ["move_right", "move_left"]}, {"name": "task2", "classes": ["move_up", "move_down"]}]}""");
            BadTasks = Folder.File("bad-tasks.json");
            File.WriteAllText(BadTasks, """{"tasks": [{"name": "a", "classes": ["move_right", "move_up"]}, {"name": "b", "classes": ["move_up", "move_down"]}]}""");
            MissingClipExemplars = Folder.File("missing.json");
            File.WriteAllText(MissingClipExemplars, File.ReadAllText(Path.Combine(Run1, "exemplars.json"))
                .Replace(".mkv\"", "-deleted.mkv\"", StringComparison.Ordinal));
        }

        public TempDirectory Folder { get; } = new();
        public string Data { get; }
        public string Task2 { get; }
        public string Run1 { get; }
        public string Run1Model => Path.Combine(Run1, "best", "model.onnx");
        public string ExtendedModel { get; }
        public string OtherTeacher { get; }
        public string Package { get; }
        public string DistilledPackage { get; }
        public string Tasks { get; }
        public string BadTasks { get; }
        public string MissingClipExemplars { get; }

        private static void Export(params string[] args)
        {
            var (exit, _, error) = CliProcess.Run("onnxvideo-export", new Dictionary<string, string?>(), args);
            Assert.True(exit == 0, error);
        }

        public void Dispose() => Folder.Dispose();
    }
}
