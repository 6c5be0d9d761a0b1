using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RemindersOrganizer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Origin",
                table: "RequestItems",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RemindersPaused",
                table: "Engagements",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "RequestedAt",
                table: "Engagements",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EngagementReminders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SentOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    OpenItems = table.Column<int>(type: "INTEGER", nullable: false),
                    ActorEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EngagementReminders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EngagementReminders_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OrganizerAnswers",
                columns: table => new
                {
                    EngagementId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AnswersJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrganizerAnswers", x => x.EngagementId);
                    table.ForeignKey(
                        name: "FK_OrganizerAnswers_Engagements_EngagementId",
                        column: x => x.EngagementId,
                        principalTable: "Engagements",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RequestTemplateItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Required = table.Column<bool>(type: "INTEGER", nullable: false),
                    NewClientsOnly = table.Column<bool>(type: "INTEGER", nullable: false),
                    SortOrder = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestTemplateItems", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Engagements_Stage_RequestedAt",
                table: "Engagements",
                columns: new[] { "Stage", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EngagementReminders_EngagementId_SentOn",
                table: "EngagementReminders",
                columns: new[] { "EngagementId", "SentOn" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EngagementReminders");

            migrationBuilder.DropTable(
                name: "OrganizerAnswers");

            migrationBuilder.DropTable(
                name: "RequestTemplateItems");

            migrationBuilder.DropIndex(
                name: "IX_Engagements_Stage_RequestedAt",
                table: "Engagements");

            migrationBuilder.DropColumn(
                name: "Origin",
                table: "RequestItems");

            migrationBuilder.DropColumn(
                name: "RemindersPaused",
                table: "Engagements");

            migrationBuilder.DropColumn(
                name: "RequestedAt",
                table: "Engagements");
        }
    }
}
